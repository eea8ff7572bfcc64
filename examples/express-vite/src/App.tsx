import { HydrationBoundary } from '@tanstack/react-query';
import { ReconnectKitProvider } from 'meld-reconnect-kit';
import { useMemo } from 'react';
import { Accounts } from './Accounts';
import type { InitialState } from './initialState';

export function App({ state }: { state: InitialState }) {
  // Meld's own widget hosts are allowed by default; the simulator's (http://127.0.0.1:port) must be listed.
  const widget = useMemo(() => ({ allowedHosts: state.widgetHosts }), [state.widgetHosts]);
  return (
    <ReconnectKitProvider baseUrl="/api/meld" widget={widget}>
      <main>
        <header>
          <p className="brand">Pebble</p>
          {state.user && <p>Signed in as {state.user.name}</p>}
        </header>
        <h1>Your banks</h1>
        {/* The connections the server read for this page: no loading state, no second request. */}
        <HydrationBoundary state={state.queries}>
          <Accounts />
        </HydrationBoundary>
      </main>
    </ReconnectKitProvider>
  );
}
