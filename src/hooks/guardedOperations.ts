import type { QueryClient } from '@tanstack/react-query';
import { OperationNotAllowedError } from '../core/HostApiError.js';
import { isOperationAllowed } from '../core/isOperationAllowed.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { ConnectionOperation } from '../core/statuses.js';
import { cachedConnection } from './connectionCache.js';

/** Whether the page is handling a customer's gesture right now (true where the browser cannot tell). */
function hasUserActivation(): boolean {
  const activation = (globalThis.navigator as { userActivation?: { isActive: boolean } } | undefined)?.userActivation;
  return activation ? activation.isActive : true;
}

/**
 * Refuses, without a request, an operation the cached status does not allow.
 * With nothing cached, the host (and Meld) decide. DEGRADED +
 * INTERACTIVE_REFRESH refreshes only during a customer's gesture.
 */
export function assertOperationAllowed(client: QueryClient, operation: ConnectionOperation, connectionId: string): void {
  const connection = cachedConnection(client, connectionId);
  if (!connection) return;
  const reason = connection.statusReason ?? null;
  if (!isOperationAllowed(operation, connection.status, reason)) {
    throw new OperationNotAllowedError(operation, connectionId, connection.status, reason);
  }
  if (operation === 'refresh' && reason === 'INTERACTIVE_REFRESH' && !hasUserActivation()) {
    throw new OperationNotAllowedError(operation, connectionId, connection.status, reason, 'needs-customer-action');
  }
}

/**
 * Runs a host call for an operation that leaves the connection's status to
 * Meld (refresh, update): refuses it first if the cached status does not allow
 * it, marks the cached connection stale on success (no read; the change comes
 * by push), and re-reads it after a 404/409.
 */
export async function runGuardedOperation<T>(
  client: QueryClient,
  operation: ConnectionOperation,
  connectionId: string,
  call: () => Promise<T>,
): Promise<T> {
  assertOperationAllowed(client, operation, connectionId);
  try {
    const result = await call();
    await client.invalidateQueries({ queryKey: reconnectKitKeys.detail(connectionId), refetchType: 'none' });
    return result;
  } catch (error) {
    refetchIfStale(client, connectionId, error);
    throw error;
  }
}

/** After a 404/409 the cached status is likely stale: mark it so and read it again if watched. */
export function refetchIfStale(client: QueryClient, connectionId: string, error: unknown): void {
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (kind === 'conflict' || kind === 'not-found') {
    void client.invalidateQueries({ queryKey: reconnectKitKeys.detail(connectionId) });
  }
}
