import { randomBytes } from 'node:crypto';
import type { RedisEventBus } from './createRedisEventBus.js';
import type { RateLimitDecision, RateLimiter } from './rateLimiter.js';
import { commandSender } from './redisConnection.js';

/** Options for {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /**
   * A bus from `createRedisEventBus`: the limiter sends its commands on the
   * bus's connection and uses its key prefix. Give this or `url`.
   */
  bus?: RedisEventBus | undefined;
  /** `redis://...` or `rediss://...`: the limiter opens its own connection. Give this or `bus`. */
  url?: string | undefined;
  /** More options for node-redis' `createClient`, with `url`. */
  clientOptions?: Record<string, unknown> | undefined;
  /** Prefix of every key. Defaults to the bus's prefix, else `'meld-reconnect-kit:'`. */
  prefix?: string | undefined;
  /** Keeps this limit's keys apart from another limit's on the same Redis. Defaults to `'repair'`. */
  name?: string | undefined;
  /** Calls allowed per key in one window. Defaults to 5. */
  limit?: number | undefined;
  /** The sliding window. Defaults to 15 minutes. */
  windowMs?: number | undefined;
  /** Gives up on one call after this long (it then throws, and the route answers 500). Defaults to 3000 ms. */
  operationTimeoutMs?: number | undefined;
  /** Redis connection errors of its own connection (node-redis reconnects by itself). Defaults to `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
}

/** A {@link RateLimiter} over Redis, shared by every instance that uses the same Redis. */
export interface RedisRateLimiter extends RateLimiter {
  take(key: string, customer: string): Promise<RateLimitDecision>;
  release(key: string, customer: string): Promise<void>;
  /** Closes its own connection (a borrowed bus connection stays the bus's to close). */
  close(): Promise<void>;
}

// One sorted set per key, scored by call time (Redis' clock, so every instance shares one clock).
// KEYS: the set. ARGV: window ms, limit, a unique member suffix.
// Answers -1 when the call is counted, else the milliseconds until the oldest call leaves the window.
const TAKE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return -1`;

/**
 * A sliding-window {@link RateLimiter} on Redis, so that every instance of
 * your backend enforces one limit: pass it as the reconnect handler's
 * `repairRateLimit` (and a second one, with another `name` and limit, as
 * `repairLookupRateLimit`). One sorted set per customer and key, counted
 * and trimmed in one Lua script (atomic, on Redis' clock), expiring after
 * the window; a customer's keys never touch another customer's, so no flood
 * can evict someone else's counters. Keys carry the customer in a hash tag,
 * so one customer's keys share a Cluster slot.
 *
 * Needs the `redis` package (an optional peer dependency). When Redis does
 * not answer, `take` throws and the route answers 500: the limit fails
 * closed.
 *
 * @example
 * const bus = createRedisEventBus({ url: process.env.REDIS_URL! });
 * const handler = createReconnectHandler({
 *   meld, authorize, basePath: '/api/meld', bus,
 *   repairRateLimit: createRedisRateLimiter({ bus }),
 *   repairLookupRateLimit: createRedisRateLimiter({ bus, name: 'repair-lookups', limit: 20 }),
 * });
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const sender = commandSender(
    options,
    'createRedisRateLimiter',
    'rate limiter',
    "meld-reconnect-kit/server: createRedisRateLimiter needs { bus } (a bus from createRedisEventBus) or { url }, e.g. createRedisRateLimiter({ url: 'redis://127.0.0.1:6379' }).",
  );
  const prefix = options.prefix ?? sender.busPrefix ?? 'meld-reconnect-kit:';
  const name = options.name ?? 'repair';
  const limit = Math.max(1, Math.round(options.limit ?? 5));
  const windowMs = Math.max(1, Math.round(options.windowMs ?? 15 * 60_000));
  const keyOf = (key: string, customer: string) => `${prefix}ratelimit:${name}:{${customer}}:${key}`;
  const send = sender.send;

  return {
    async take(key, customer) {
      const wait = Number(await send(['EVAL', TAKE_SCRIPT, '1', keyOf(key, customer), String(windowMs), String(limit), randomBytes(8).toString('hex')]));
      if (!Number.isFinite(wait)) throw new Error('meld-reconnect-kit/server: Redis answered the rate-limit script with something else than a number.');
      return wait < 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    },

    async release(key, customer) {
      await send(['ZPOPMAX', keyOf(key, customer)]);
    },

    close: () => sender.close(),
  };
}
