import type { QueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { HostApi } from '../core/createHostClient.js';

export interface ReconnectKitContextValue {
  hostApi: HostApi;
  queryClient: QueryClient;
}

export const ReconnectKitContext = createContext<ReconnectKitContextValue | null>(null);

/** The provider's value; throws an error that names the fix when there is none. */
export function useReconnectKit(consumer: string): ReconnectKitContextValue {
  const value = useContext(ReconnectKitContext);
  if (!value) {
    throw new Error(
      `meld-reconnect-kit: \`${consumer}\` must be used inside <ReconnectKitProvider>. ` +
        'Wrap your app (or this part of it) in <ReconnectKitProvider baseUrl="/api/meld"> or <ReconnectKitProvider hostApi={...}>.',
    );
  }
  return value;
}
