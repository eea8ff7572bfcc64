import { useMutation, type QueryClient, type UseMutationOptions, type UseMutationResult } from '@tanstack/react-query';
import { HostApiError, type OperationNotAllowedError } from '../core/HostApiError.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import { assertOperationAllowed } from './guardedOperations.js';
import { applyStatusChange } from './applyStatusChange.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export type UseDeleteConnectionOptions = Omit<
  UseMutationOptions<void, HostApiError | OperationNotAllowedError, string>,
  'mutationFn' | 'mutationKey'
> & {
  /** Use this QueryClient instead of the provider's (as TanStack Query's hooks accept one). */
  queryClient?: QueryClient | undefined;
};
export type UseDeleteConnectionResult = UseMutationResult<void, HostApiError | OperationNotAllowedError, string>;

/**
 * Mutation that asks the host's `DELETE {base}/connections/:id` to sever a
 * connection (cannot be undone). On success, or a 409 meaning it was already
 * deleted, the cached connection becomes DELETED, leaves every list, and the
 * app's other tabs hear of it.
 */
export function useDeleteConnection(options: UseDeleteConnectionOptions = {}): UseDeleteConnectionResult {
  const { queryClient: injected, ...mutationOptions } = options;
  const kit = useReconnectKit('useDeleteConnection');
  const { hostApi } = kit;
  const queryClient = injected ?? kit.queryClient;
  return useMutation(
    {
      ...mutationOptions,
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
