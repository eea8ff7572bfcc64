'use client';
// The kit's provider needs event handlers and browser state, so it lives in a
// client component; the server layout renders it and passes plain data only.
import { isServer, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ReconnectKitProvider } from 'meld-reconnect-kit';
import { useMemo, type ReactNode } from 'react';

function makeQueryClient() {
  // Prefetched data is fresh for a minute: the client does not fetch it again right after hydrating.
  return new QueryClient({ defaultOptions: { queries: { staleTime: 60_000 } } });
}

let browserQueryClient: QueryClient | undefined;

/** One client per server request; one for the page's lifetime in the browser (TanStack Query's Next.js pattern). */
function getQueryClient() {
  if (isServer) return makeQueryClient();
  return (browserQueryClient ??= makeQueryClient());
}

export function Providers({ widgetHosts, children }: { widgetHosts: string[]; children: ReactNode }) {
  const queryClient = getQueryClient();
  // Meld's own widget hosts are allowed by default; the simulator's (http://127.0.0.1:port) must be listed.
  const widget = useMemo(() => ({ allowedHosts: widgetHosts }), [widgetHosts]);
  return (
    <QueryClientProvider client={queryClient}>
      <ReconnectKitProvider baseUrl="/api/meld" widget={widget}>
        {children}
      </ReconnectKitProvider>
    </QueryClientProvider>
  );
}
