import { useMutation, type QueryClient, type UseMutationOptions, type UseMutationResult } from '@tanstack/react-query';
import type { HostApi } from '../core/createHostClient.js';
import type { HostApiError, OperationNotAllowedError } from '../core/HostApiError.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { RepairSession } from '../core/types.js';
import { assertOperationAllowed, refetchIfStale } from './guardedOperations.js';
import { getKitState } from './kitState.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export type RepairError = HostApiError | OperationNotAllowedError;
export type UseRepairConnectionOptions = Omit<UseMutationOptions<RepairSession, RepairError, string>, 'mutationFn' | 'mutationKey'> & {
  /** Use this QueryClient instead of the provider's (as TanStack Query's hooks accept one). */
  queryClient?: QueryClient | undefined;
};
export type UseRepairConnectionResult = UseMutationResult<RepairSession, RepairError, string>;

/**
 * Asks the host for a repair session, once per connection at a time: callers
 * that ask while a request is under way share its answer. Internal.
 */
export function requestRepairOnce(client: QueryClient, hostApi: HostApi, connectionId: string): Promise<RepairSession> {
  const { repairsInFlight } = getKitState(client);
  const pending = repairsInFlight.get(connectionId);
  if (pending) return pending;
  try {
    assertOperationAllowed(client, 'repair', connectionId);
  } catch (error) {
    return Promise.reject(error);
  }
  const request = hostApi
    .repairConnection(connectionId)
    .catch((error: unknown) => {
      refetchIfStale(client, connectionId, error);
      throw error;
    })
    .finally(() => repairsInFlight.delete(connectionId));
  repairsInFlight.set(connectionId, request);
  return request;
}

/**
 * Mutation that asks the host's `POST {base}/connections/:id/repair` for a
 * session to open Meld's widget at the bank's login. `mutate(connectionId)`.
 *
 * Refuses without a request when the cached status does not allow a repair
 * (EXPIRED, DELETED, IN_PROGRESS, healthy ACTIVE, unknown statuses). Single
 * flight: a double click or StrictMode's double effects make one POST.
 */
export function useRepairConnection(options: UseRepairConnectionOptions = {}): UseRepairConnectionResult {
  const { queryClient: injected, ...mutationOptions } = options;
  const kit = useReconnectKit('useRepairConnection');
  const { hostApi } = kit;
  const queryClient = injected ?? kit.queryClient;
  return useMutation(
    {
      ...mutationOptions,
      mutationKey: [...reconnectKitKeys.all, 'repair'],
      mutationFn: (connectionId: string) => requestRepairOnce(queryClient, hostApi, connectionId),
    },
    queryClient,
  );
}
