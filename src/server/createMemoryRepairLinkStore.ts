import type { RepairLinkStore } from './repairLinks.js';

/** Options for {@link createMemoryRepairLinkStore}. */
export interface MemoryRepairLinkStoreOptions {
  /** Used links remembered at most (until each expires). Defaults to 100 000. */
  maxEntries?: number | undefined;
  /** The clock, in epoch milliseconds: give it the links' `now` when you simulate time. Defaults to `Date.now`. */
  now?: (() => number) | undefined;
}

/** What a memory store holds right now. */
export interface MemoryRepairLinkStoreStats {
  entries: number;
}

/** The in-memory {@link RepairLinkStore}, with {@link MemoryRepairLinkStoreStats}. */
export interface MemoryRepairLinkStore extends RepairLinkStore {
  stats(): MemoryRepairLinkStoreStats;
}

/**
 * Remembers used repair links in this process: what `createRepairLinks`
 * uses unless given another store. For one instance only (each instance
 * would remember its own); with several, use `createRedisRepairLinkStore`.
 *
 * An id is forgotten only once its link has expired. Full of unexpired ids
 * (`maxEntries`), it fails closed: `consume` rejects, naming the fix, and
 * the redeem route answers 500 without using the link; it never forgets an
 * unexpired id to make room, since that link could then be used again.
 */
export function createMemoryRepairLinkStore(options: MemoryRepairLinkStoreOptions = {}): MemoryRepairLinkStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError("meld-reconnect-kit/server: createMemoryRepairLinkStore's maxEntries is a whole number of links, e.g. maxEntries: 100_000.");
  }
  const now = options.now ?? Date.now;
  // id -> when its link expires
  const used = new Map<string, number>();
  // The earliest expiry held: until then, sweeping could free nothing.
  let earliest = Infinity;

  function sweep(at: number): void {
    if (at < earliest) return;
    earliest = Infinity;
    for (const [id, expiresAt] of used) {
      if (expiresAt <= at) used.delete(id);
      else if (expiresAt < earliest) earliest = expiresAt;
    }
  }

  return {
    consume(id, expiresAt) {
      const at = now();
      // An expired link is refused anyway: nothing to remember.
      if (typeof id !== 'string' || !(expiresAt > at)) return Promise.resolve(false);
      const held = used.get(id);
      if (held !== undefined && held > at) return Promise.resolve(false);
      if (used.size >= maxEntries) sweep(at);
      if (used.size >= maxEntries && held === undefined) {
        return Promise.reject(
          new Error(
            `meld-reconnect-kit/server: the memory repair-link store holds ${maxEntries} unexpired used links (maxEntries) and refuses this one rather than forget one (that link could be used again). Raise maxEntries, shorten ttlSeconds, or use createRedisRepairLinkStore.`,
          ),
        );
      }
      used.set(id, expiresAt);
      if (expiresAt < earliest) earliest = expiresAt;
      return Promise.resolve(true);
    },
    stats: () => ({ entries: used.size }),
  };
}
