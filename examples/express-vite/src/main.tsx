import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import 'meld-reconnect-kit/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { readInitialState } from './initialState';
import './styles.css';

const state = readInitialState();
// The server's prefetch is fresh for a minute: no second request right after load.
const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000 } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App state={state} />
    </QueryClientProvider>
  </StrictMode>,
);
