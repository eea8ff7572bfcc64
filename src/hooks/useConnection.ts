import { useQuery, type QueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { HostApiError } from '../core/HostApiError.js';
import type { Connection } from '../core/types.js';
import { connectionQueryOptions } from '../core/queryOptions.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export interface UseConnectionOptions {
  /** Set to `false` to hold the request (e.g. until an id is known). Defaults to `true`. */
  enabled?: boolean | undefined;
  /** Use this QueryClient instead of the provider's (as TanStack Query's hooks accept one). */
  queryClient?: QueryClient | undefined;
}

export type UseConnectionResult = UseQueryResult<Connection, HostApiError>;

/**
 * One connection, from the host's `GET {base}/connections/:id`. Any number of
 * components watching the same id share one request and one cache entry.
 * Fresh on mount and window focus, and whenever a status change is pushed;
 * never polled.
 */
export function useConnection(connectionId: string, options: UseConnectionOptions = {}): UseConnectionResult {
  const kit = useReconnectKit('useConnection');
  const queryClient = options.queryClient ?? kit.queryClient;
  return useQuery({ ...connectionQueryOptions(connectionId, { hostApi: kit.hostApi }), enabled: options.enabled ?? true }, queryClient);
}
