import { queryOptions } from '@tanstack/react-query';
import type { HostApi } from '../core/createHostClient.js';
import { HostApiError } from '../core/HostApiError.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { Connection } from '../core/types.js';
import { hostApiFor } from './kitState.js';

/** Pushed changes keep the cache fresh, so a short stale time only dedupes mounts close together. */
const STALE_TIME_MS = 15_000;

/** Retries only what may pass: no answer, timeouts and 5xx; twice at most. */
export function retryHostCall(failureCount: number, error: unknown): boolean {
  return (
    error instanceof HostApiError &&
    (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server') &&
    failureCount < 2
  );
}

export interface KitQueryOptionsInput {
  /** Use this host API instead of the one bound to the QueryClient. */
  hostApi?: HostApi | undefined;
}

/**
 * Query options for one connection, TanStack style: use with `useQuery`,
 * `useSuspenseQuery`, `prefetchQuery` or `ensureQueryData`. Fetches on mount
 * and window focus; never on a schedule (Meld's webhooks are the source of truth).
 *
 * @example
 * await queryClient.prefetchQuery(connectionQueryOptions('conn_123'));
 */
export function connectionQueryOptions(connectionId: string, input: KitQueryOptionsInput = {}) {
  return queryOptions<Connection, HostApiError>({
    queryKey: reconnectKitKeys.detail(connectionId),
    queryFn: ({ client, signal }) => hostApiFor(client, input.hostApi).getConnection(connectionId, { signal }),
    staleTime: STALE_TIME_MS,
    retry: retryHostCall,
    refetchOnWindowFocus: true,
  });
}

/**
 * Query options for the caller's connections. Seeds each connection's own
 * cache entry, so components watching single connections need no request.
 */
export function connectionsQueryOptions(input: KitQueryOptionsInput = {}) {
  return queryOptions<Connection[], HostApiError>({
    queryKey: reconnectKitKeys.list(),
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
  });
}
