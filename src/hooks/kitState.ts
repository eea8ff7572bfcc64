import type { QueryClient } from '@tanstack/react-query';
import type { ObservedStatus } from '../core/verifyRepair.js';
import type { Connection, RepairSession } from '../core/types.js';

/** The live stream's state. */
export type ConnectionEventsState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'unsupported';

/** One live status stream, shared by every `useConnectionEvents` on its URL. */
export interface SharedStream {
  refs: number;
  state: ConnectionEventsState;
  listeners: Set<(state: ConnectionEventsState) => void>;
  stop: () => void;
}

/** What the kit keeps per QueryClient. Internal. */
export interface KitState {
  repairsInFlight: Map<string, Promise<RepairSession>>;
  listeners: Map<string, Set<(next: ObservedStatus) => void>>;
  seenEventIds: Set<string>;
  lastEventAt: Map<string, number>;
  channel: BroadcastChannel | undefined;
  /** Live status streams by URL (and credentials mode). */
  streams: Map<string, SharedStream>;
  /** Prompts dismissed for this session (per QueryClient, so a new provider starts clean). */
  dismissed: Set<string>;
  /**
   * Connections the host passed as objects (a prompt's `connection`), by id: what
   * the kit knows of a connection it never read. A push to one of them starts its
   * cache entry from it. Holding them here instead of in the query cache keeps
   * mounting a long list of prompts cheap.
   */
  seeds: Map<string, Connection>;
  /** Told when the host passes a newer object for a connection the cache does not hold. */
  seedListeners: Set<(connection: Connection) => void>;
  /**
   * Pushed changes applied so far, and the count at each connection's latest:
   * an answer read before a push (a redeemed repair link) knows to read again.
   */
  pushes: { count: number; last: Map<string, number> };
}

const states = new WeakMap<QueryClient, KitState>();

export function getKitState(client: QueryClient): KitState {
  let state = states.get(client);
  if (!state) {
    state = {
      repairsInFlight: new Map(),
      listeners: new Map(),
      seenEventIds: new Set(),
      lastEventAt: new Map(),
      channel: undefined,
      streams: new Map(),
      dismissed: new Set(),
      seeds: new Map(),
      seedListeners: new Set(),
      pushes: { count: 0, last: new Map() },
    };
    states.set(client, state);
  }
  return state;
}

/** Bounded insertion-ordered set add: forgets the oldest entries past `max`. */
export function rememberBounded(set: Set<string>, value: string, max = 500): void {
  set.add(value);
  if (set.size > max) {
    const oldest = set.values().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
}
