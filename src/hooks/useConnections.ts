import { useQuery, type QueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { HostApiError } from '../core/HostApiError.js';
import type { Connection } from '../core/types.js';
import { connectionsQueryOptions } from '../core/queryOptions.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export interface UseConnectionsOptions {
  /** Set to `false` to hold the request. Defaults to `true`. */
  enabled?: boolean | undefined;
  /** Use this QueryClient instead of the provider's (as TanStack Query's hooks accept one). */
  queryClient?: QueryClient | undefined;
}

export type UseConnectionsResult = UseQueryResult<Connection[], HostApiError>;

/**
 * The signed-in customer's connections, from the host's `GET {base}/connections`.
 * Seeds each connection's own cache entry, so `useConnection(id)` beside it
 * costs no request.
 */
export function useConnections(options: UseConnectionsOptions = {}): UseConnectionsResult {
  const kit = useReconnectKit('useConnections');
  const queryClient = options.queryClient ?? kit.queryClient;
  return useQuery({ ...connectionsQueryOptions({ hostApi: kit.hostApi }), enabled: options.enabled ?? true }, queryClient);
}
