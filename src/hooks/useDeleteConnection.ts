import { useMutation, type UseMutationOptions, type UseMutationResult } from '@tanstack/react-query';
import { HostApiError, type OperationNotAllowedError } from '../core/HostApiError.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import { assertOperationAllowed } from './connectionCache.js';
import { applyStatusChange } from './applyStatusChange.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export type UseDeleteConnectionOptions = Omit<
  UseMutationOptions<void, HostApiError | OperationNotAllowedError, string>,
  'mutationFn' | 'mutationKey'
>;
export type UseDeleteConnectionResult = UseMutationResult<void, HostApiError | OperationNotAllowedError, string>;

/**
 * Mutation that asks the host's `DELETE {base}/connections/:id` to sever a
 * connection (cannot be undone). On success, or a 409 meaning it was already
 * deleted, the cached connection becomes DELETED, leaves every list, and the
 * app's other tabs hear of it.
 */
export function useDeleteConnection(options: UseDeleteConnectionOptions = {}): UseDeleteConnectionResult {
  const { hostApi, queryClient } = useReconnectKit('useDeleteConnection');
  return useMutation(
    {
      ...options,
      mutationKey: [...reconnectKitKeys.all, 'delete'],
      mutationFn: async (connectionId: string) => {
        assertOperationAllowed(queryClient, 'delete', connectionId);
        try {
          await hostApi.deleteConnection(connectionId);
        } catch (error) {
          if (!(error instanceof HostApiError && error.kind === 'conflict')) throw error;
        }
        applyStatusChange(queryClient, {
          eventType: 'BANK_LINKING_CONNECTION_DELETED',
          payload: { connectionId },
        });
      },
    },
    queryClient,
  );
}
