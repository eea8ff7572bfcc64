import type { QueryClient } from '@tanstack/react-query';
import { reconnectKitKeys } from '../core/queryKeys.js';
import { getKitState } from './kitState.js';
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
function provideConnection(client: QueryClient, connection: Connection): void {
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

/** Writes a connection read from the host to its own entry and to the list holding it. */
export function writeConnection(client: QueryClient, connection: Connection): void {
  client.setQueryData(reconnectKitKeys.detail(connection.id), connection);
  client.setQueryData<Connection[]>(reconnectKitKeys.list(), (list) =>
    list?.some((c) => c.id === connection.id) ? list.map((c) => (c.id === connection.id ? connection : c)) : list,
  );
}
