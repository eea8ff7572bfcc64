import { randomBytes } from 'node:crypto';
import type { BrowserStatusEvent, ConnectionEvent, ConnectionEventListener, EventBus } from './EventBus.js';
import { isCustomerId } from './sanitize.js';

/** Options for {@link createMemoryEventBus}. */
export interface MemoryEventBusOptions {
  /** How many recent events (all customers) are kept for resuming streams. Defaults to 1000. */
  replaySize?: number | undefined;
}

/** What a memory bus holds right now; for tests and health checks. */
export interface MemoryEventBusStats {
  /** Customers with at least one listener. */
  customers: number;
  /** Listeners, all customers. */
  listeners: number;
  /** Events kept for replay (at most `replaySize`). */
  buffered: number;
}

/** An {@link EventBus} within one process, with {@link MemoryEventBusStats}. */
export interface MemoryEventBus extends EventBus {
  replay(externalCustomerId: string, lastEventId: string): Promise<ConnectionEvent[]>;
  stats(): MemoryEventBusStats;
}

/**
 * An {@link EventBus} within one process: the default, right when one
 * instance both receives Meld's webhooks and holds the customers' streams.
 * Keeps the last `replaySize` events (a ring, all customers) so a stream can
 * resume; memory stays bounded whatever the traffic. With several instances,
 * use `createRedisEventBus`.
 */
export function createMemoryEventBus(options: MemoryEventBusOptions = {}): MemoryEventBus {
  const replaySize = Math.max(0, options.replaySize ?? 1000);
  // Ids carry a per-bus prefix: an id from another process or an earlier run never matches.
  const prefix = randomBytes(4).toString('hex');
  let seq = 0;
  const listeners = new Map<string, Set<ConnectionEventListener>>();
  const ring: ConnectionEvent[] = [];
  let head = 0; // index of the oldest event once the ring is full
  let closed = false;

  const ordered = () => (ring.length < replaySize ? ring : [...ring.slice(head), ...ring.slice(0, head)]);

  return {
    async publish(externalCustomerId: string, event: BrowserStatusEvent) {
      if (closed) throw new Error('meld-reconnect-kit/server: this event bus is closed.');
      if (!isCustomerId(externalCustomerId)) throw new TypeError('meld-reconnect-kit/server: publish needs the customer id the event is for.');
      seq += 1;
      const published: ConnectionEvent = { id: `${prefix}-${seq}`, externalCustomerId, event };
      if (replaySize > 0) {
        if (ring.length < replaySize) ring.push(published);
        else {
          ring[head] = published;
          head = (head + 1) % replaySize;
        }
      }
      for (const listener of [...(listeners.get(externalCustomerId) ?? [])]) {
        try {
          listener(published);
        } catch {
          // one failing stream must not starve the others
        }
      }
      return published;
    },

    async subscribe(externalCustomerId, listener) {
      if (closed) throw new Error('meld-reconnect-kit/server: this event bus is closed.');
      let set = listeners.get(externalCustomerId);
      if (!set) listeners.set(externalCustomerId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(externalCustomerId) === set) listeners.delete(externalCustomerId);
      };
    },

    async replay(externalCustomerId, lastEventId) {
      const mine = ordered().filter((e) => e.externalCustomerId === externalCustomerId);
      const at = mine.findIndex((e) => e.id === lastEventId);
      return at === -1 ? mine : mine.slice(at + 1);
    },

    stats() {
      let count = 0;
      for (const set of listeners.values()) count += set.size;
      return { customers: listeners.size, listeners: count, buffered: ring.length };
    },

    async close() {
      closed = true;
      listeners.clear();
      ring.length = 0;
    },
  };
}

const DEFAULT_BUS = Symbol.for('meld-reconnect-kit/server:default-event-bus');

/**
 * The process-wide memory bus the handlers share when given no `bus`. Kept on
 * `globalThis`, so a dev server that reloads modules still has one.
 */
export function defaultEventBus(): MemoryEventBus {
  const holder = globalThis as typeof globalThis & { [DEFAULT_BUS]?: MemoryEventBus };
  return (holder[DEFAULT_BUS] ??= createMemoryEventBus());
}
