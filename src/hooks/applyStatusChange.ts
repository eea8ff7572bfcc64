import type { QueryClient } from '@tanstack/react-query';
import { warnOnce } from '../core/dev.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { Connection, StatusChangePayload, WebhookEnvelope } from '../core/types.js';
import type { ObservedStatus } from '../core/verifyRepair.js';
import { getKitState, rememberBounded } from './kitState.js';

const STATUS_CHANGE = 'BANK_LINKING_CONNECTION_STATUS_CHANGE';
const DELETED = 'BANK_LINKING_CONNECTION_DELETED';
/** Meld documents no payload for these; the kit's server helper adds the connection's status (`newStatus`). */
const STATUS_EVENTS: ReadonlySet<string> = new Set([STATUS_CHANGE, 'BANK_LINKING_CUSTOMER_ACTION_REQUIRED', 'BANK_LINKING_NEW_ACCOUNTS_AVAILABLE']);
/** The connection's data was aggregated: only `successfullyAggregatedAt` changes. */
const FRESHNESS_EVENTS: ReadonlySet<string> = new Set(['BANK_LINKING_ACCOUNTS_UPDATED', 'BANK_LINKING_TRANSACTIONS_AGGREGATED']);
const BROADCAST_TYPE = 'meld-reconnect-kit/status-change';
const MAX_ID_LENGTH = 256;

export interface ApplyStatusChangeOptions {
  /** Share the change with the app's other tabs. Defaults to `true`. */
  broadcast?: boolean | undefined;
  /** Deduplicates when the input carries none (e.g. an SSE event id). */
  eventId?: string | undefined;
}

interface Change {
  connectionId: string;
  /** Undefined for a freshness event (nothing but `successfullyAggregatedAt` changes). */
  status: string | undefined;
  reason: string | null;
  aggregatedAt: string | undefined;
  payload: Partial<StatusChangePayload>;
  eventId: string | undefined;
  at: number | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shortString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function toChange(input: unknown, eventId: string | undefined): Change | null | undefined {
  if (!isRecord(input)) return undefined;
  let payload: unknown = input;
  let status: unknown;
  let at: number | undefined;
  let freshness = false;
  if (typeof input.eventType === 'string') {
    const envelope = input as unknown as WebhookEnvelope;
    const type = envelope.eventType;
    freshness = FRESHNESS_EVENTS.has(type);
    if (!STATUS_EVENTS.has(type) && type !== DELETED && !freshness) return null;
    payload = envelope.payload;
    // Meld's own CUSTOMER_ACTION_REQUIRED / NEW_ACCOUNTS_AVAILABLE name no status: nothing to apply.
    if (type !== STATUS_CHANGE && STATUS_EVENTS.has(type) && isRecord(payload) && payload.newStatus === undefined) return null;
    eventId = shortString(envelope.eventId, MAX_ID_LENGTH) ? envelope.eventId : eventId;
    const parsed = typeof envelope.timestamp === 'string' ? Date.parse(envelope.timestamp) : NaN;
    at = Number.isNaN(parsed) ? undefined : parsed;
    if (type === DELETED) status = 'DELETED';
  }
  if (!isRecord(payload)) return undefined;
  const aggregated = payload.successfullyAggregatedAt;
  const aggregatedAt = typeof aggregated === 'string' && aggregated.length <= 40 && !Number.isNaN(Date.parse(aggregated)) ? aggregated : undefined;
  if (freshness) {
    // Without a date there is nothing to apply (not malformed: a payload the kit has no use for).
    if (aggregatedAt === undefined) return null;
    if (!shortString(payload.connectionId, MAX_ID_LENGTH)) return undefined;
    return { connectionId: payload.connectionId, status: undefined, reason: null, aggregatedAt, payload: {}, eventId, at };
  }
  status ??= payload.newStatus;
  if (!shortString(payload.connectionId, MAX_ID_LENGTH) || !shortString(status, 64)) return undefined;
  const reason = payload.newStatusReason;
  if (reason !== undefined && reason !== null && typeof reason !== 'string') return undefined;
  return {
    connectionId: payload.connectionId,
    status,
    reason: status === 'DELETED' ? null : (reason || null),
    aggregatedAt,
    payload: payload as Partial<StatusChangePayload>,
    eventId,
    at,
  };
}

function patchConnection(connection: Connection, change: Change): Connection {
  const next: Connection = { ...connection };
  // "Last updated" only moves forward.
  const known = typeof connection.successfullyAggregatedAt === 'string' ? Date.parse(connection.successfullyAggregatedAt) : NaN;
  if (change.aggregatedAt !== undefined && !(Date.parse(change.aggregatedAt) <= known)) next.successfullyAggregatedAt = change.aggregatedAt;
  if (change.status === undefined) return next;
  const { payload } = change;
  next.status = change.status;
  next.statusReason = change.reason;
  if (payload.activeDuplicateConnectionId !== undefined) next.activeDuplicateConnectionId = payload.activeDuplicateConnectionId;
  if (payload.serviceProviderDetails !== undefined) next.serviceProviderDetails = payload.serviceProviderDetails;
  if (typeof payload.institutionMessage === 'string') next.institutionMessage = payload.institutionMessage;
  else if (change.reason !== 'INSTITUTION_ACTION_REQUIRED') delete next.institutionMessage;
  return next;
}

/**
 * Applies a status change to the kit's cache without a request: the
 * connection's own entry and every list holding it. Takes Meld's
 * `BANK_LINKING_CONNECTION_STATUS_CHANGE` payload or a whole envelope:
 * STATUS_CHANGE, CONNECTION_DELETED, CUSTOMER_ACTION_REQUIRED and
 * NEW_ACCOUNTS_AVAILABLE (when the server helper added the connection's
 * `newStatus`; Meld's own payload names none, and is ignored), and
 * ACCOUNTS_UPDATED / TRANSACTIONS_AGGREGATED, which change only
 * `successfullyAggregatedAt` ("last updated"). Duplicate event ids and events
 * older than the last one applied to the same connection are ignored; so is
 * anything malformed. Shares the change with the app's other tabs.
 *
 * @returns whether the change was applied
 *
 * @example
 * socket.on('meld', (event) => applyStatusChange(queryClient, event));
 */
export function applyStatusChange(
  queryClient: QueryClient,
  input: StatusChangePayload | WebhookEnvelope | unknown,
  options: ApplyStatusChangeOptions = {},
): boolean {
  const change = toChange(input, options.eventId);
  if (!change) {
    if (change === undefined) warnOnce(() => ['applyStatusChange:malformed', 'applyStatusChange ignored a malformed status change (it needs a connectionId and a newStatus).']);
    return false;
  }
  const state = getKitState(queryClient);
  if (change.eventId !== undefined) {
    if (state.seenEventIds.has(change.eventId)) return false;
    rememberBounded(state.seenEventIds, change.eventId);
  }
  // Order matters between status events only; a freshness event never hides a later-arriving status.
  if (change.at !== undefined && change.status !== undefined) {
    const previous = state.lastEventAt.get(change.connectionId);
    if (previous !== undefined && change.at < previous) return false;
    state.lastEventAt.set(change.connectionId, change.at);
  }

  const { connectionId } = change;
  const { pushes } = state;
  pushes.last.set(connectionId, ++pushes.count);
  // A connection known only from the host's object starts its cache entry from it.
  const seed = state.seeds.get(connectionId);
  queryClient.setQueryData<Connection>(reconnectKitKeys.detail(connectionId), (old) =>
    old ? patchConnection(old, change) : seed ? patchConnection(seed, change) : old,
  );
  const list = queryClient.getQueryData<Connection[]>(reconnectKitKeys.list());
  if (list) {
    if (change.status === 'DELETED') {
      queryClient.setQueryData<Connection[]>(reconnectKitKeys.list(), list.filter((c) => c.id !== connectionId));
    } else if (list.some((c) => c.id === connectionId)) {
      queryClient.setQueryData<Connection[]>(
        reconnectKitKeys.list(),
        list.map((c) => (c.id === connectionId ? patchConnection(c, change) : c)),
      );
    } else {
      // A connection this page has not seen: read the list again.
      void queryClient.invalidateQueries({ queryKey: reconnectKitKeys.list() });
    }
  }

  const { status } = change;
  if (status !== undefined) {
    for (const listener of state.listeners.get(connectionId) ?? []) listener({ status, statusReason: change.reason });
  }
  if (options.broadcast !== false && state.channel) {
    state.channel.postMessage({ type: BROADCAST_TYPE, input, eventId: change.eventId });
  }
  return true;
}

/** Applies a change another tab shared; ignores anything else on the channel. */
export function acceptBroadcast(queryClient: QueryClient, data: unknown): void {
  if (!isRecord(data) || data.type !== BROADCAST_TYPE) return;
  applyStatusChange(queryClient, data.input, {
    broadcast: false,
    eventId: typeof data.eventId === 'string' ? data.eventId : undefined,
  });
}

/** Calls `listener` with every status change applied to one connection. Internal (verification). */
export function subscribeToStatusChanges(
  queryClient: QueryClient,
  connectionId: string,
  listener: (next: ObservedStatus) => void,
): () => void {
  const { listeners } = getKitState(queryClient);
  let set = listeners.get(connectionId);
  if (!set) listeners.set(connectionId, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(connectionId);
  };
}
