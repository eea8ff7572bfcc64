/** What a {@link RateLimiter} answers. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Decides whether one more call for `key` is allowed now. The handler's
 * default keeps a sliding window in memory (per instance); implement this
 * over Redis or your database to share a limit across instances.
 */
export interface RateLimiter {
  take(key: string): RateLimitDecision | Promise<RateLimitDecision>;
}

/** Options for the default repair limit. */
export interface RateLimitOptions {
  /** Calls allowed per key in one window. Defaults to 5. */
  limit?: number | undefined;
  /** The window. Defaults to 15 minutes. */
  windowMs?: number | undefined;
  /** Keys remembered at most (the oldest are forgotten first). Defaults to 10 000. */
  maxKeys?: number | undefined;
  /** The clock, for tests. Defaults to `Date.now`. */
  now?: (() => number) | undefined;
}

/** The in-memory sliding-window limiter behind the handler's repair limit. */
export function createMemoryRateLimiter(options: RateLimitOptions = {}): RateLimiter & { size(): number } {
  const limit = Math.max(1, options.limit ?? 5);
  const windowMs = Math.max(1, options.windowMs ?? 15 * 60_000);
  const maxKeys = Math.max(1, options.maxKeys ?? 10_000);
  const now = options.now ?? Date.now;
  // key -> times of the calls inside the window, oldest first (at most `limit`)
  const calls = new Map<string, number[]>();

  return {
    take(key) {
      const at = now();
      const recent = (calls.get(key) ?? []).filter((t) => at - t < windowMs);
      calls.delete(key); // re-inserted below: Map order doubles as least-recently-used
      if (recent.length >= limit) {
        calls.set(key, recent);
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + windowMs - at) / 1000)) };
      }
      recent.push(at);
      calls.set(key, recent);
      while (calls.size > maxKeys) calls.delete(calls.keys().next().value as string);
      return { allowed: true };
    },
    size: () => calls.size,
  };
}
