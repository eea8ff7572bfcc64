import { useMutation, type QueryClient, type UseMutationOptions, type UseMutationResult } from '@tanstack/react-query';
import type { HostApiError, OperationNotAllowedError } from '../core/HostApiError.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { AcceptedRequest, MeldProduct } from '../core/types.js';
import { runGuardedOperation } from './guardedOperations.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export interface UpdateConnectionProductsVariables {
  connectionId: string;
  products: readonly MeldProduct[];
}

export type UseUpdateConnectionProductsOptions = Omit<
  UseMutationOptions<AcceptedRequest, HostApiError | OperationNotAllowedError, UpdateConnectionProductsVariables>,
  'mutationFn' | 'mutationKey'
> & {
  /** Use this QueryClient instead of the provider's (as TanStack Query's hooks accept one). */
  queryClient?: QueryClient | undefined;
};
export type UseUpdateConnectionProductsResult = UseMutationResult<
  AcceptedRequest,
  HostApiError | OperationNotAllowedError,
  UpdateConnectionProductsVariables
>;

/**
 * Mutation that asks the host's `POST {base}/connections/:id/update` to add
 * products (Meld adds them as optional, best effort). Refuses without a
 * request on EXPIRED, DELETED, IN_PROGRESS and unknown statuses. On success
 * the cached connection is marked stale.
 */
export function useUpdateConnectionProducts(
  options: UseUpdateConnectionProductsOptions = {},
): UseUpdateConnectionProductsResult {
  const { queryClient: injected, ...mutationOptions } = options;
  const kit = useReconnectKit('useUpdateConnectionProducts');
  const { hostApi } = kit;
  const queryClient = injected ?? kit.queryClient;
  return useMutation(
    {
      ...mutationOptions,
      mutationKey: [...reconnectKitKeys.all, 'update'],
      mutationFn: ({ connectionId, products }: UpdateConnectionProductsVariables) =>
        runGuardedOperation(queryClient, 'update', connectionId, () =>
          hostApi.updateConnectionProducts(connectionId, products),
        ),
    },
    queryClient,
  );
}
