import type { RedisEventBus } from './createRedisEventBus.js';
import { commandSender } from './redisConnection.js';
import type { RepairLinkStore } from './repairLinks.js';

/** Options for {@link createRedisRepairLinkStore}. */
export interface RedisRepairLinkStoreOptions {
  /** A bus from `createRedisEventBus`: the store sends its commands on the bus's connection and uses its key prefix. Give this or `url`. */
  bus?: RedisEventBus | undefined;
  /** `redis://...` or `rediss://...`: the store opens its own connection. Give this or `bus`. */
  url?: string | undefined;
  /** More options for node-redis' `createClient`, with `url`. */
  clientOptions?: Record<string, unknown> | undefined;
  /** Prefix of every key. Defaults to the bus's prefix, else `'meld-reconnect-kit:'`. */
  prefix?: string | undefined;
  /** Gives up on one call after this long (it then rejects, and the route answers 500). Defaults to 3000 ms; with `bus`, the bus's. */
  operationTimeoutMs?: number | undefined;
  /** Redis connection errors of its own connection (node-redis reconnects by itself). Defaults to `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * The links' clock, when it is not the real one (a demo's simulated
   * time): expiries are moved onto the real clock before Redis sees them.
   * Defaults to `Date.now`.
   */
  now?: (() => number) | undefined;
}

/** A {@link RepairLinkStore} on Redis, shared by every instance that uses the same Redis. */
export interface RedisRepairLinkStore extends RepairLinkStore {
  /** Closes its own connection (a borrowed bus connection stays the bus's to close). */
  close(): Promise<void>;
}

/**
 * Kept past a link's expiry, so that an instance whose clock runs a little
 * behind (it still accepts the link) cannot find the id forgotten.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Remembers used repair links on Redis, so that a link is redeemed once
 * across every instance: one `SET {prefix}repair-link:{id} 1 NX PXAT ...`
 * per redeem, atomic on Redis, so of two instances redeeming one link at
 * the same moment exactly one wins. The key expires 5 minutes after the
 * link (clock skew between instances); nothing else is kept, and no
 * customer or connection id is in the key.
 *
 * Borrows a `createRedisEventBus` bus's command connection (`{ bus }`) or
 * opens its own (`{ url }`). When Redis does not answer, `consume` rejects
 * and the route answers 500 without using the link: it fails closed. Keep
 * Redis' `maxmemory-policy` at `noeviction` (its default), so that memory
 * pressure never drops a used link.
 *
 * @example
 * const bus = createRedisEventBus({ url: process.env.REDIS_URL! });
 * const links = createRepairLinks({ secret: process.env.REPAIR_LINK_SECRET!, store: createRedisRepairLinkStore({ bus }) });
 */
export function createRedisRepairLinkStore(options: RedisRepairLinkStoreOptions): RedisRepairLinkStore {
  const sender = commandSender(
    options,
    'createRedisRepairLinkStore',
    'repair-link store',
    "meld-reconnect-kit/server: createRedisRepairLinkStore needs { bus } (a bus from createRedisEventBus) or { url }, e.g. createRedisRepairLinkStore({ url: 'redis://127.0.0.1:6379' }).",
  );
  const prefix = options.prefix ?? sender.busPrefix ?? 'meld-reconnect-kit:';
  const now = options.now ?? Date.now;

  return {
    async consume(id, expiresAt) {
      const at = now();
      if (typeof id !== 'string' || !(expiresAt > at)) return false;
      // On Redis' clock: a simulated clock's expiry is moved onto the real one.
      const until = (options.now ? Date.now() + (expiresAt - at) : expiresAt) + CLOCK_SKEW_MS;
      const answer = await sender.send(['SET', `${prefix}repair-link:${id}`, '1', 'NX', 'PXAT', String(Math.ceil(until))]);
      return answer === 'OK';
    },
    close: () => sender.close(),
  };
}
