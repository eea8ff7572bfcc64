import type { AcceptedRequest, Connection, RedeemedRepairLink, RepairSession } from './types.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A connection needs a string `id` and `status`; the rest is kept as it came. */
export function asConnection(value: unknown): Connection | undefined {
  if (!isObject(value) || !nonEmptyString(value.id) || !nonEmptyString(value.status)) return undefined;
  if (value.institutionMessage !== undefined && typeof value.institutionMessage !== 'string') return undefined;
  return value as Connection;
}

export function asConnectionList(value: unknown): Connection[] | undefined {
  if (!isObject(value) || !Array.isArray(value.connections)) return undefined;
  const connections: Connection[] = [];
  for (const item of value.connections) {
    const connection = asConnection(item);
    if (!connection) return undefined;
    connections.push(connection);
  }
  return connections;
}

export function asRepairSession(value: unknown, requestedId: string): RepairSession | undefined {
  if (!isObject(value) || !nonEmptyString(value.widgetUrl) || !nonEmptyString(value.connectToken)) return undefined;
  if (value.connectionId !== undefined && value.connectionId !== requestedId) return undefined;
  return {
    connectionId: requestedId,
    connectToken: value.connectToken,
    widgetUrl: value.widgetUrl,
    ...(nonEmptyString(value.institutionId) ? { institutionId: value.institutionId } : {}),
  };
}

/** A redeemed link needs its `connectionId` and that connection (with an id and a status). */
export function asRedeemedRepairLink(value: unknown): RedeemedRepairLink | undefined {
  if (!isObject(value) || !nonEmptyString(value.connectionId)) return undefined;
  const connection = asConnection(value.connection);
  return connection?.id === value.connectionId ? { connectionId: value.connectionId, connection } : undefined;
}

export function asAccepted(value: unknown): AcceptedRequest | undefined {
  return isObject(value) && nonEmptyString(value.requestId) ? { requestId: value.requestId } : undefined;
}

export function errorBodyFields(value: unknown): {
  code?: string;
  message?: string;
  requestId?: string;
  displayMessage?: string;
} {
  if (!isObject(value)) return {};
  const pick = (key: string) => (typeof value[key] === 'string' ? { [key]: value[key] as string } : {});
  return { ...pick('code'), ...pick('message'), ...pick('requestId'), ...pick('displayMessage') };
}
