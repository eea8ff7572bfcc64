import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { HostApiError } from '../core/HostApiError.js';
import type { Connection } from '../core/types.js';
import { connectionQueryOptions } from './queryOptions.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export interface UseConnectionOptions {
  /** Set to `false` to hold the request (e.g. until an id is known). Defaults to `true`. */
  enabled?: boolean | undefined;
}

export type UseConnectionResult = UseQueryResult<Connection, HostApiError>;

/**
 * One connection, from the host's `GET {base}/connections/:id`. Any number of
 * components watching the same id share one request and one cache entry.
 * Fresh on mount and window focus, and whenever a status change is pushed;
 * never polled.
 */
export function useConnection(connectionId: string, options: UseConnectionOptions = {}): UseConnectionResult {
  const { queryClient } = useReconnectKit('useConnection');
  return useQuery({ ...connectionQueryOptions(connectionId), enabled: options.enabled ?? true }, queryClient);
}
