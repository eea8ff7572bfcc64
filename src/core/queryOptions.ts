// Types only: at runtime these are plain `{ queryKey, queryFn, ... }` objects, and core stays
// free of TanStack Query (and of React), so a React Server Component or a router loader can use them.
import type { DataTag, QueryClient, QueryFunctionContext } from '@tanstack/react-query';
import type { HostApi } from './createHostClient.js';
import { boundHostApi } from './hostApiBinding.js';
import { HostApiError } from './HostApiError.js';
import { reconnectKitKeys } from './queryKeys.js';
import type { Connection } from './types.js';

/** Pushed changes keep the cache fresh, so a short stale time only dedupes mounts close together. */
const STALE_TIME_MS = 15_000;

/** Retries only what may pass: no answer, timeouts and 5xx; twice at most. Internal. */
export function retryHostCall(failureCount: number, error: unknown): boolean {
  return (
    error instanceof HostApiError &&
    (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server') &&
    failureCount < 2
  );
}

export interface KitQueryOptionsInput {
  /**
   * Use this host API instead of the one bound to the QueryClient (`bindHostApi`
   * or `ReconnectKitProvider`). On the server, e.g. in a Server Component, pass
   * one: `createHostClient({ baseUrl, headers })`, or your own `HostApi` that
   * reads Meld directly.
   */
  hostApi?: HostApi | undefined;
}

/**
 * What {@link connectionQueryOptions} and {@link connectionsQueryOptions} return:
 * plain TanStack Query 5 options. The key carries the data and error types, so
 * `queryClient.getQueryData(options.queryKey)` is typed.
 */
export interface KitQueryOptions<TData, TKey extends readonly unknown[]> {
  queryKey: DataTag<TKey, TData, HostApiError>;
  queryFn: (context: QueryFunctionContext<TKey>) => Promise<TData>;
  staleTime: number;
  retry: (failureCount: number, error: HostApiError) => boolean;
  refetchOnWindowFocus: boolean;
}

/** The host API for a query: the one given, else the one bound to its QueryClient. */
function hostApiFor(client: QueryClient | undefined, explicit: HostApi | undefined): HostApi {
  const api = explicit ?? (client ? boundHostApi(client) : undefined);
  if (!api) {
    throw new Error(
      'meld-reconnect-kit: no host API for this QueryClient. Render inside <ReconnectKitProvider>, ' +
        'call bindHostApi(queryClient, hostApi), or pass { hostApi } to the query options.',
    );
  }
  return api;
}

/**
 * Query options for one connection, TanStack style: use with `useQuery`,
 * `useSuspenseQuery`, `prefetchQuery` or `ensureQueryData`. Fetches on mount
 * and window focus; never on a schedule (Meld's webhooks are the source of truth).
 * From `meld-reconnect-kit/core` it runs on the server too (no `'use client'`).
 *
 * @example
 * await queryClient.prefetchQuery(connectionQueryOptions('conn_123'));
 */
export function connectionQueryOptions(
  connectionId: string,
  input: KitQueryOptionsInput = {},
): KitQueryOptions<Connection, ReturnType<typeof reconnectKitKeys.detail>> {
  return {
    queryKey: reconnectKitKeys.detail(connectionId) as DataTag<ReturnType<typeof reconnectKitKeys.detail>, Connection, HostApiError>,
    queryFn: ({ client, signal }) => hostApiFor(client, input.hostApi).getConnection(connectionId, { signal }),
    staleTime: STALE_TIME_MS,
    retry: retryHostCall,
    refetchOnWindowFocus: true,
  };
}

/**
 * Query options for the caller's connections. Seeds each connection's own
 * cache entry, so components watching single connections need no request.
 * From `meld-reconnect-kit/core` it runs on the server too (no `'use client'`):
 * prefetch in a Server Component, `dehydrate`, and render a `HydrationBoundary`
 * inside `ReconnectKitProvider`.
 *
 * @example
 * await queryClient.prefetchQuery(connectionsQueryOptions({ hostApi }));
 */
export function connectionsQueryOptions(input: KitQueryOptionsInput = {}): KitQueryOptions<Connection[], ReturnType<typeof reconnectKitKeys.list>> {
  return {
    queryKey: reconnectKitKeys.list() as DataTag<ReturnType<typeof reconnectKitKeys.list>, Connection[], HostApiError>,
    queryFn: async ({ client, signal }) => {
      const connections = await hostApiFor(client, input.hostApi).listConnections({ signal });
      for (const connection of connections) {
        client.setQueryData(reconnectKitKeys.detail(connection.id), connection);
      }
      return connections;
    },
    staleTime: STALE_TIME_MS,
    retry: retryHostCall,
    refetchOnWindowFocus: true,
  };
}
