/** What a {@link RateLimiter} answers. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Decides whether one more call is allowed now, per customer. The handler's
 * defaults keep sliding windows in memory (per instance);
 * `createRedisRateLimiter` shares one limit across instances, or implement
 * this over your own store.
 *
 * The reconnect handler calls it only after it has checked that the caller
 * owns the connection, so `key` (the connection id for repairs, the
 * customer's own id for the lookup budget) is never chosen by someone else.
 */
export interface RateLimiter {
  /** Counts one call for `key` of `customer` if the limit allows it. */
  take(key: string, customer: string): RateLimitDecision | Promise<RateLimitDecision>;
  /**
   * Gives back the newest call `take` counted for `key` of `customer` (the
   * call turned out to cost nothing). Optional: without it, every call counts.
   */
  release?(key: string, customer: string): void | Promise<void>;
}

/** Options for {@link createMemoryRateLimiter}, and for the handler's limits. */
export interface RateLimitOptions {
  /** Calls allowed per key in one window. */
  limit?: number | undefined;
  /** The window. Defaults to 15 minutes. */
  windowMs?: number | undefined;
  /**
   * Customers remembered at most. Beyond it, the customers with the least
   * recent calls are forgotten first, but never one that is limited right
   * now (that would lift its limit): memory may pass this by the customers
   * currently limited. Defaults to 10 000.
   */
  maxCustomers?: number | undefined;
  /** Keys remembered per customer (its least recent, unlimited ones are forgotten first). Defaults to 100. */
  maxKeysPerCustomer?: number | undefined;
  /** @deprecated Use `maxCustomers`; counters are now grouped per customer. */
  maxKeys?: number | undefined;
  /** The clock, for tests. Defaults to `Date.now`. */
  now?: (() => number) | undefined;
}

/** What a memory limiter holds right now. */
export interface MemoryRateLimiterStats {
  customers: number;
  keys: number;
}

/** The in-memory sliding-window {@link RateLimiter}, with {@link MemoryRateLimiterStats}. */
export interface MemoryRateLimiter extends RateLimiter {
  take(key: string, customer: string): RateLimitDecision;
  release(key: string, customer: string): void;
  stats(): MemoryRateLimiterStats;
}

interface Group {
  /** key -> times of the calls inside the window, oldest first (at most `limit`); Map order is least recent first. */
  keys: Map<string, number[]>;
  /** Until then some key of this customer is at its limit: the group must not be forgotten. */
  limitedUntil: number;
}

// Groups looked at per overflow: limited ones are skipped, so an overflow costs O(1), not O(customers).
const EVICTION_SCAN = 32;

/**
 * An in-memory sliding-window {@link RateLimiter}: what the reconnect
 * handler uses unless given another. Counters are grouped per customer:
 * each customer holds at most `maxKeysPerCustomer` keys, and across
 * customers the least recently active are forgotten first, never one that
 * is limited right now, so one customer's calls can neither evict another
 * customer's counters nor lift a limit. Per instance: with several
 * instances, use `createRedisRateLimiter`.
 */
export function createMemoryRateLimiter(options: RateLimitOptions = {}): MemoryRateLimiter {
  const limit = Math.max(1, options.limit ?? 5);
  const windowMs = Math.max(1, options.windowMs ?? 15 * 60_000);
  const maxCustomers = Math.max(1, options.maxCustomers ?? options.maxKeys ?? 10_000);
  const maxKeysPerCustomer = Math.max(1, options.maxKeysPerCustomer ?? 100);
  const now = options.now ?? Date.now;
  // customer -> counters; Map order is least recently active first
  const groups = new Map<string, Group>();
  let keyCount = 0;

  const live = (times: number[], at: number) => times.filter((t) => at - t < windowMs);
  const atLimit = (times: number[], at: number) => live(times, at).length >= limit;

  function trimKeys(group: Group, at: number): void {
    for (const [key, times] of group.keys) {
      if (group.keys.size <= maxKeysPerCustomer) return;
      if (atLimit(times, at)) continue;
      group.keys.delete(key);
      keyCount -= 1;
    }
  }

  function trimGroups(current: string, at: number): void {
    for (let scanned = 0; groups.size > maxCustomers && scanned < EVICTION_SCAN; scanned += 1) {
      const [customer, group] = groups.entries().next().value as [string, Group];
      groups.delete(customer);
      if (customer === current || group.limitedUntil > at) {
        // Kept: moved behind the others so the next overflow looks at different customers.
        groups.set(customer, group);
        continue;
      }
      keyCount -= group.keys.size;
    }
  }

  return {
    take(key, customer = key) {
      const at = now();
      let group = groups.get(customer);
      if (group) groups.delete(customer);
      else group = { keys: new Map(), limitedUntil: 0 };
      groups.set(customer, group);

      const held = group.keys.get(key);
      if (held) group.keys.delete(key);
      else keyCount += 1;
      const times = live(held ?? [], at);
      group.keys.set(key, times);

      let decision: RateLimitDecision = { allowed: true };
      if (times.length >= limit) decision = { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + windowMs - at) / 1000)) };
      else times.push(at);
      if (times.length >= limit) group.limitedUntil = Math.max(group.limitedUntil, times[0]! + windowMs);

      trimKeys(group, at);
      trimGroups(customer, at);
      return decision;
    },

    release(key, customer = key) {
      const group = groups.get(customer);
      const times = group?.keys.get(key);
      if (!group || !times) return;
      times.pop();
      if (times.length > 0) return;
      group.keys.delete(key);
      keyCount -= 1;
      if (group.keys.size === 0) groups.delete(customer);
    },

    stats: () => ({ customers: groups.size, keys: keyCount }),
  };
}
