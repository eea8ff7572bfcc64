import { useMutation, type UseMutationOptions, type UseMutationResult } from '@tanstack/react-query';
import type { HostApiError, OperationNotAllowedError } from '../core/HostApiError.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { AcceptedRequest } from '../core/types.js';
import { runGuardedOperation } from './connectionCache.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export type UseRefreshConnectionOptions = Omit<
  UseMutationOptions<AcceptedRequest, HostApiError | OperationNotAllowedError, string>,
  'mutationFn' | 'mutationKey'
>;
export type UseRefreshConnectionResult = UseMutationResult<AcceptedRequest, HostApiError | OperationNotAllowedError, string>;

/**
 * Mutation that asks the host's `POST {base}/connections/:id/refresh` for a
 * one-off data pull (202). `mutate(connectionId)`.
 *
 * Call it only from a customer's action, never on a schedule. It refuses
 * without a request where Meld would answer 409 (anything but ACTIVE,
 * PARTIALLY_ACTIVE, DEGRADED, UNDETERMINED), and for DEGRADED +
 * INTERACTIVE_REFRESH outside a customer's gesture. On success the cached
 * connection is marked stale; the new status arrives by push.
 */
export function useRefreshConnection(options: UseRefreshConnectionOptions = {}): UseRefreshConnectionResult {
  const { hostApi, queryClient } = useReconnectKit('useRefreshConnection');
  return useMutation(
    {
      ...options,
      mutationKey: [...reconnectKitKeys.all, 'refresh'],
      mutationFn: (connectionId: string) =>
        runGuardedOperation(queryClient, 'refresh', connectionId, () => hostApi.refreshConnection(connectionId)),
    },
    queryClient,
  );
}
