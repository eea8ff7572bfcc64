import type { QueryClient } from '@tanstack/react-query';
import { OperationNotAllowedError } from '../core/HostApiError.js';
import { isOperationAllowed } from '../core/isOperationAllowed.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import { getKitState } from './kitState.js';
import type { ConnectionOperation } from '../core/statuses.js';
import type { Connection } from '../core/types.js';

/** The connection's entry in the query cache: its own, else the list's. */
export function cachedEntry(client: QueryClient, connectionId: string): Connection | undefined {
  return (
    client.getQueryData<Connection>(reconnectKitKeys.detail(connectionId)) ??
    client.getQueryData<Connection[]>(reconnectKitKeys.list())?.find((c) => c.id === connectionId)
  );
}

/** The connection as the cache knows it: its own entry, else the list, else the object the host passed. */
export function cachedConnection(client: QueryClient, connectionId: string): Connection | undefined {
  return (
    client.getQueryData<Connection>(reconnectKitKeys.detail(connectionId)) ??
    client.getQueryData<Connection[]>(reconnectKitKeys.list())?.find((c) => c.id === connectionId) ??
    getKitState(client).seeds.get(connectionId)
  );
}

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

/** Objects from the host already handed to the cache or the engines (see `useGivenConnection`). */
const handedOver = new WeakSet<Connection>();

/**
 * For a view given a connection object: the object while it is newer than
 * what the kit knows (the host changed it and it has not been handed over
 * yet), else `undefined`. The first object a view is given only seeds what
 * the kit knows: pushes and reads since win over it. Pair with
 * `handOverConnection` in an effect. Internal.
 */
export function newerGiven(given: Connection | undefined, first: Connection | undefined): Connection | undefined {
  return given !== undefined && given !== first && !handedOver.has(given) ? given : undefined;
}

/** Hands a newer object over (once): it replaces what the kit knows. */
export function handOverConnection(client: QueryClient, given: Connection | undefined, first: Connection | undefined): void {
  if (newerGiven(given, first) === undefined || given === undefined) return;
  handedOver.add(given);
  provideConnection(client, given);
}

/**
 * The host passed a newer object for a connection (a prompt's or badge's
 * `connection`): it replaces what the kit knows, for every view of it.
 */
export function provideConnection(client: QueryClient, connection: Connection): void {
  const kit = getKitState(client);
  kit.seeds.set(connection.id, connection);
  const key = reconnectKitKeys.detail(connection.id);
  if (client.getQueryData(key) !== undefined) client.setQueryData(key, connection);
  else for (const listener of kit.seedListeners) listener(connection);
}

/** Remembers the first object a view was given, unless the kit knows the connection already. */
export function seedConnection(client: QueryClient, connection: Connection | undefined): void {
  if (!connection) return;
  const { seeds } = getKitState(client);
  if (!seeds.has(connection.id)) seeds.set(connection.id, connection);
}
