// What may pass from Meld to a browser: every field checked for type, shape
// and size; anything else is dropped.
import type { Connection } from '../core/types.js';
import type { BrowserStatusEvent, ConnectionEvent } from './EventBus.js';
import type { MeldConnection } from './meldTypes.js';

/** The webhook event types the live stream carries. */
export const STATUS_CHANGE = 'BANK_LINKING_CONNECTION_STATUS_CHANGE';
export const CONNECTION_DELETED = 'BANK_LINKING_CONNECTION_DELETED';
/** Events without a documented payload: the handler re-reads the connection and sends its status. */
export const REREAD_EVENTS: ReadonlySet<string> = new Set(['BANK_LINKING_CUSTOMER_ACTION_REQUIRED', 'BANK_LINKING_NEW_ACCOUNTS_AVAILABLE']);
/** Events that say the connection's data was just aggregated. */
export const FRESHNESS_EVENTS: ReadonlySet<string> = new Set(['BANK_LINKING_ACCOUNTS_UPDATED', 'BANK_LINKING_TRANSACTIONS_AGGREGATED']);

const ID = /^[\w.:@-]{1,128}$/;
const ENUM = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_MESSAGE = 1000;
const MAX_TEXT = 200;
const MAX_LIST = 50;

/** A JSON object. */
export type Json = Record<string, unknown>;

/** A plain object (not an array, not null). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An id-like string (Meld ids, event ids, request ids). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** A status, reason, product or error code: upper case with underscores. */
export function isEnum(value: unknown): value is string {
  return typeof value === 'string' && ENUM.test(value);
}

/** A customer id as `authorize` returns it and the bus routes on it. */
export function isCustomerId(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value.length > 0 && value.length <= 256 && !/[\u0000-\u001f\u007f]/.test(value);
}

/** Plain text for a customer: control characters (except line breaks) removed, trimmed, bounded. */
export function safeText(value: unknown, max = MAX_MESSAGE): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  return text.length > 0 && text.length <= max ? text : undefined;
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));
}

function enumOrNull(value: unknown): string | null | undefined {
  if (value === null) return null;
  return isEnum(value) ? value : undefined;
}

function idOrNull(value: unknown): string | null | undefined {
  if (value === null) return null;
  return isId(value) ? value : undefined;
}

function providerDetails(value: unknown): { serviceProvider?: string } | null | undefined {
  if (value === null) return null;
  if (!isObject(value)) return undefined;
  const provider = safeText(value.serviceProvider, 64);
  return provider ? { serviceProvider: provider } : {};
}

function stringList(value: unknown, check: (item: unknown) => item is string): string[] | undefined {
  return Array.isArray(value) && value.length <= MAX_LIST && value.every(check) ? [...value] : undefined;
}

function put(target: Json, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/**
 * The connection fields the browser uses, checked; Meld's account, customer
 * and provider internals stay on the server.
 */
export function toBrowserConnection(connection: MeldConnection): Connection | undefined {
  if (!isId(connection.id) || !isEnum(connection.status)) return undefined;
  const out: Json = { id: connection.id, status: connection.status, statusReason: enumOrNull(connection.statusReason) ?? null };
  put(out, 'institutionId', isId(connection.institutionId) ? connection.institutionId : undefined);
  put(out, 'institutionName', safeText(connection.institutionName, MAX_TEXT));
  put(out, 'products', stringList(connection.products, isEnum));
  put(out, 'optionalProducts', stringList(connection.optionalProducts, isEnum));
  put(out, 'regions', stringList(connection.regions, isEnum));
  put(out, 'serviceProviderDetails', providerDetails(connection.serviceProviderDetails));
  put(out, 'createdAt', isIsoDate(connection.createdAt) ? connection.createdAt : undefined);
  put(out, 'successfullyAggregatedAt', connection.successfullyAggregatedAt === null ? null : isIsoDate(connection.successfullyAggregatedAt) ? connection.successfullyAggregatedAt : undefined);
  put(out, 'duplicateConnectionIds', connection.duplicateConnectionIds === null ? null : stringList(connection.duplicateConnectionIds, isId));
  put(out, 'activeDuplicateConnectionId', idOrNull(connection.activeDuplicateConnectionId));
  return out as Connection;
}

/** A verified webhook envelope that the live stream carries, and whom it is for. */
export interface RoutableEvent {
  /** From the payload; undefined when Meld did not send it. */
  externalCustomerId: string | undefined;
  event: BrowserStatusEvent;
}

/**
 * Reduces an envelope the live stream carries to a {@link BrowserStatusEvent}:
 * STATUS_CHANGE and CONNECTION_DELETED as Meld sends them; the re-read events
 * once the handler has put the connection's status in their payload
 * (`newStatus`); the freshness events with their `successfullyAggregatedAt`.
 * `null` for other event types; `undefined` for a malformed one.
 */
export function toBrowserEvent(envelope: Json, institutionMessage?: string): RoutableEvent | null | undefined {
  const { eventType, payload } = envelope;
  if (typeof eventType !== 'string') return null;
  const statusLike = eventType === STATUS_CHANGE || REREAD_EVENTS.has(eventType);
  if (!statusLike && eventType !== CONNECTION_DELETED && !FRESHNESS_EVENTS.has(eventType)) return null;
  if (!isId(envelope.eventId) || !isObject(payload) || !isId(payload.connectionId)) return undefined;
  const out: Json = { connectionId: payload.connectionId };
  if (statusLike) {
    if (!isEnum(payload.newStatus)) return undefined;
    out.newStatus = payload.newStatus;
    out.newStatusReason = enumOrNull(payload.newStatusReason) ?? null;
    put(out, 'oldStatus', enumOrNull(payload.oldStatus));
    put(out, 'oldStatusReason', enumOrNull(payload.oldStatusReason));
    put(out, 'institutionId', isId(payload.institutionId) ? payload.institutionId : undefined);
    put(out, 'activeDuplicateConnectionId', idOrNull(payload.activeDuplicateConnectionId));
    put(out, 'serviceProviderDetails', providerDetails(payload.serviceProviderDetails));
    put(out, 'institutionMessage', safeText(institutionMessage));
  }
  if (statusLike || FRESHNESS_EVENTS.has(eventType)) {
    const at = payload.successfullyAggregatedAt;
    put(out, 'successfullyAggregatedAt', at === null && statusLike ? null : isIsoDate(at) ? at : undefined);
    if (FRESHNESS_EVENTS.has(eventType) && out.successfullyAggregatedAt === undefined) return undefined;
  }
  const event: BrowserStatusEvent = {
    eventType: eventType as BrowserStatusEvent['eventType'],
    eventId: envelope.eventId,
    ...(isIsoDate(envelope.timestamp) ? { timestamp: envelope.timestamp } : {}),
    payload: out as BrowserStatusEvent['payload'],
  };
  return { externalCustomerId: isCustomerId(payload.externalCustomerId) ? payload.externalCustomerId : undefined, event };
}

/**
 * Checks an event that came back from a bus (another process, Redis): the
 * same rules as at publish time, so a stream never writes anything else.
 */
export function asConnectionEvent(value: unknown): ConnectionEvent | undefined {
  if (!isObject(value) || typeof value.id !== 'string' || !/^[\w.:-]{1,64}$/.test(value.id)) return undefined;
  if (!isCustomerId(value.externalCustomerId) || !isObject(value.event)) return undefined;
  const event = value.event;
  const routed = toBrowserEvent(event, isObject(event.payload) ? (event.payload.institutionMessage as string | undefined) : undefined);
  return routed ? { id: value.id, externalCustomerId: value.externalCustomerId, event: routed.event } : undefined;
}
