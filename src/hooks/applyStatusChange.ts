import type { QueryClient } from '@tanstack/react-query';
import { warnOnce } from '../core/dev.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { Connection, StatusChangePayload, WebhookEnvelope } from '../core/types.js';
import type { ObservedStatus } from '../core/verifyRepair.js';
import { getKitState, rememberBounded } from './kitState.js';

const STATUS_CHANGE = 'BANK_LINKING_CONNECTION_STATUS_CHANGE';
const DELETED = 'BANK_LINKING_CONNECTION_DELETED';
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
  status: string;
  reason: string | null;
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
  if (typeof input.eventType === 'string') {
    const envelope = input as unknown as WebhookEnvelope;
    if (envelope.eventType !== STATUS_CHANGE && envelope.eventType !== DELETED) return null;
    payload = envelope.payload;
    eventId = shortString(envelope.eventId, MAX_ID_LENGTH) ? envelope.eventId : eventId;
    const parsed = typeof envelope.timestamp === 'string' ? Date.parse(envelope.timestamp) : NaN;
    at = Number.isNaN(parsed) ? undefined : parsed;
    if (envelope.eventType === DELETED) status = 'DELETED';
  }
  if (!isRecord(payload)) return undefined;
  status ??= payload.newStatus;
  if (!shortString(payload.connectionId, MAX_ID_LENGTH) || !shortString(status, 64)) return undefined;
  const reason = payload.newStatusReason;
  if (reason !== undefined && reason !== null && typeof reason !== 'string') return undefined;
  return {
    connectionId: payload.connectionId,
    status,
    reason: status === 'DELETED' ? null : (reason || null),
    payload: payload as Partial<StatusChangePayload>,
    eventId,
    at,
  };
}

function patchConnection(connection: Connection, change: Change): Connection {
  const { payload } = change;
  const next: Connection = { ...connection, status: change.status, statusReason: change.reason };
  if (payload.activeDuplicateConnectionId !== undefined) next.activeDuplicateConnectionId = payload.activeDuplicateConnectionId;
  if (payload.serviceProviderDetails !== undefined) next.serviceProviderDetails = payload.serviceProviderDetails;
  if (typeof payload.institutionMessage === 'string') next.institutionMessage = payload.institutionMessage;
  else if (change.reason !== 'INSTITUTION_ACTION_REQUIRED') delete next.institutionMessage;
  return next;
}

/**
 * Applies a status change to the kit's cache without a request: the
 * connection's own entry and every list holding it. Takes Meld's
 * `BANK_LINKING_CONNECTION_STATUS_CHANGE` payload or the whole webhook envelope
 * (also `BANK_LINKING_CONNECTION_DELETED`). Duplicate event ids and events
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
  if (change.at !== undefined) {
    const previous = state.lastEventAt.get(change.connectionId);
    if (previous !== undefined && change.at < previous) return false;
    state.lastEventAt.set(change.connectionId, change.at);
  }

  const { connectionId } = change;
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

  for (const listener of state.listeners.get(connectionId) ?? []) {
    listener({ status: change.status, statusReason: change.reason });
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
