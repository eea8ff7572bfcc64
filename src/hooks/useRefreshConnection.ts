import { useMutation, type QueryClient, type UseMutationOptions, type UseMutationResult } from '@tanstack/react-query';
import type { HostApiError, OperationNotAllowedError } from '../core/HostApiError.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { AcceptedRequest } from '../core/types.js';
import { runGuardedOperation } from './guardedOperations.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export type UseRefreshConnectionOptions = Omit<
  UseMutationOptions<AcceptedRequest, HostApiError | OperationNotAllowedError, string>,
  'mutationFn' | 'mutationKey'
> & {
  /** Use this QueryClient instead of the provider's (as TanStack Query's hooks accept one). */
  queryClient?: QueryClient | undefined;
  /**
   * The connection this hook refreshes. Its mutations are then keyed
   * `reconnectKitKeys.refresh(connectionId)`, as the kit's prompts key theirs, so
   * `useIsMutating({ mutationKey: reconnectKitKeys.refresh(id) })` counts both.
   * Without it the key is `[...reconnectKitKeys.all, 'refresh']` and `mutate` takes any id.
   */
  connectionId?: string | undefined;
};
export type UseRefreshConnectionResult = UseMutationResult<AcceptedRequest, HostApiError | OperationNotAllowedError, string>;

/**
 * Mutation that asks the host's `POST {base}/connections/:id/refresh` for a
 * one-off data pull (202). `mutate(connectionId)`.
 *
 * With `connectionId` in the options the mutation is keyed per connection
 * (`reconnectKitKeys.refresh(id)`), like the prompts' own refreshes.
 *
 * Call it only from a customer's action, never on a schedule. It refuses
 * without a request where Meld would answer 409 (anything but ACTIVE,
 * PARTIALLY_ACTIVE, DEGRADED, UNDETERMINED), and for DEGRADED +
 * INTERACTIVE_REFRESH outside a customer's gesture. On success the cached
 * connection is marked stale; the new status arrives by push.
 */
export function useRefreshConnection(options: UseRefreshConnectionOptions = {}): UseRefreshConnectionResult {
  const { queryClient: injected, connectionId: bound, ...mutationOptions } = options;
  const kit = useReconnectKit('useRefreshConnection');
  const { hostApi } = kit;
  const queryClient = injected ?? kit.queryClient;
  return useMutation(
    {
      ...mutationOptions,
      mutationKey: bound === undefined ? [...reconnectKitKeys.all, 'refresh'] : reconnectKitKeys.refresh(bound),
      mutationFn: (connectionId: string) =>
        runGuardedOperation(queryClient, 'refresh', connectionId, () => hostApi.refreshConnection(connectionId)),
    },
    queryClient,
  );
}
