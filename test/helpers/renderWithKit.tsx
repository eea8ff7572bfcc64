import { QueryClient } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { ReconnectKitProvider } from '../../src/index.js';
import { BASE } from './hostServer.js';

/** A fresh QueryClient per test, as a host would make one. */
export function newQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { gcTime: Infinity }, mutations: { retry: false } } });
}

export function renderWithKit(ui: ReactElement, options: { queryClient?: QueryClient; render?: RenderOptions } = {}) {
  const queryClient = options.queryClient ?? newQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ReconnectKitProvider baseUrl={BASE} queryClient={queryClient} broadcastChannel={false}>
      {children}
    </ReconnectKitProvider>
  );
  return { queryClient, ...render(ui, { wrapper, ...options.render }) };
}
