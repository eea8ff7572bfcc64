import type { BrowserStatusEvent, ConnectionEvent, ConnectionEventListener, EventBus } from './EventBus.js';
import { loadCreateClient, quit, shareCommands, withTimeout, type RedisLike } from './redisConnection.js';
import { asConnectionEvent, isCustomerId } from './sanitize.js';

/** Options for {@link createRedisEventBus}. */
export interface RedisEventBusOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS. */
  url: string;
  /** More options for node-redis' `createClient` (TLS, credentials, reconnect strategy). */
  clientOptions?: Record<string, unknown> | undefined;
  /** Prefix of every key and channel. Defaults to `'meld-reconnect-kit:'`. */
  prefix?: string | undefined;
  /** Events kept per customer for resuming streams. Defaults to 100. */
  replaySize?: number | undefined;
  /** How long a customer's replay list lives after its last event. Defaults to 3600 s. */
  replayTtlSeconds?: number | undefined;
  /** How long a claimed webhook `eventId` is remembered (Meld retries for 3 days). Defaults to 4 days. */
  claimTtlSeconds?: number | undefined;
  /**
   * Gives up on one bus call after this long (node-redis waits for a lost
   * server indefinitely): a webhook then answers 500 so Meld retries, a
   * stream answers 503. Defaults to 3000 ms.
   */
  operationTimeoutMs?: number | undefined;
  /** Redis connection errors (node-redis reconnects by itself). Defaults to `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
}

/** What a Redis bus holds in this process right now. */
export interface RedisEventBusStats {
  /** Customers this process listens to (one Redis channel each). */
  customers: number;
  /** Listeners in this process, all customers. */
  listeners: number;
}

/** An {@link EventBus} over Redis pub/sub, with {@link RedisEventBusStats}. */
export interface RedisEventBus extends EventBus {
  replay(externalCustomerId: string, lastEventId: string): Promise<ConnectionEvent[]>;
  claimEvent(eventId: string): Promise<boolean>;
  releaseEvent(eventId: string): Promise<void>;
  stats(): RedisEventBusStats;
}

// KEYS: sequence, replay list. ARGV: the message without its id ("...}" after "{"), replay size, TTL, channel.
const PUBLISH_SCRIPT = `
local id = redis.call('INCR', KEYS[1])
local message = '{"id":"' .. id .. '",' .. ARGV[1]
redis.call('RPUSH', KEYS[2], message)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
redis.call('PUBLISH', ARGV[4], message)
return id`;

/**
 * An {@link EventBus} on Redis pub/sub, for hosts that run several instances:
 * the webhook lands on one instance, the customer's stream is held by
 * another. One channel per customer with listeners in this process (so an
 * instance receives only its own customers' events); a capped replay list
 * per customer (`replaySize`, expiring after `replayTtlSeconds`) so a stream
 * resumes on any instance; `SET NX` claims so a webhook Meld retries onto
 * another instance is published once. Event ids come from one Redis counter.
 *
 * Needs the `redis` package (an optional peer dependency), loaded on first
 * use; connects lazily, and node-redis reconnects and resubscribes by itself.
 *
 * @example
 * const bus = createRedisEventBus({ url: process.env.REDIS_URL! });
 */
export function createRedisEventBus(options: RedisEventBusOptions): RedisEventBus {
  if (typeof options?.url !== 'string' || !/^rediss?:\/\//.test(options.url)) {
    throw new TypeError("meld-reconnect-kit/server: createRedisEventBus needs { url }, e.g. createRedisEventBus({ url: 'redis://127.0.0.1:6379' }).");
  }
  const prefix = options.prefix ?? 'meld-reconnect-kit:';
  const replaySize = Math.max(1, options.replaySize ?? 100);
  const replayTtl = Math.max(1, Math.round(options.replayTtlSeconds ?? 3600));
  const claimTtl = Math.max(1, Math.round(options.claimTtlSeconds ?? 4 * 24 * 3600));
  const operationTimeoutMs = Math.max(1, options.operationTimeoutMs ?? 3000);
  const onError = options.onError ?? ((error: unknown) => console.error('[meld-reconnect-kit] redis:', error));
  const channelOf = (customer: string) => `${prefix}events:${customer}`;
  const replayKey = (customer: string) => `${prefix}replay:${customer}`;

  let clients: Promise<{ commands: RedisLike; subscriber: RedisLike }> | undefined;
  let created: RedisLike[] = [];
  let closed = false;
  // Per customer with listeners here: the listeners and the SUBSCRIBE they wait for.
  const local = new Map<string, { listeners: Set<ConnectionEventListener>; ready: Promise<void> }>();
  // SUBSCRIBE/UNSUBSCRIBE per channel run one after another, in call order.
  const channelOps = new Map<string, Promise<void>>();

  const connect = () =>
    (clients ??= (async () => {
      const createClient = await loadCreateClient();
      if (closed) throw new Error('meld-reconnect-kit/server: this event bus is closed.');
      const commands = createClient({ ...options.clientOptions, url: options.url });
      const subscriber = commands.duplicate();
      created = [commands, subscriber];
      for (const client of created) client.on('error', onError);
      await Promise.all([commands.connect(), subscriber.connect()]);
      return { commands, subscriber };
    })().catch((error: unknown) => {
      clients = undefined; // a later call tries again
      throw error;
    }));

  const onMessage = (message: string, channel: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    const event = asConnectionEvent(parsed);
    if (!event || channelOf(event.externalCustomerId) !== channel) return;
    for (const listener of [...(local.get(event.externalCustomerId)?.listeners ?? [])]) {
      try {
        listener(event);
      } catch {
        // one failing stream must not starve the others
      }
    }
  };

  const enqueue = (channel: string, op: () => Promise<void>): Promise<void> => {
    const next = (channelOps.get(channel) ?? Promise.resolve()).then(op, op);
    const settled = next.catch(() => undefined);
    channelOps.set(channel, settled);
    void settled.then(() => {
      if (channelOps.get(channel) === settled) channelOps.delete(channel);
    });
    return next;
  };

  const checkCustomer = (customer: string) => {
    if (!isCustomerId(customer)) throw new TypeError('meld-reconnect-kit/server: an event bus call needs a customer id (1 to 256 characters).');
    if (closed) throw new Error('meld-reconnect-kit/server: this event bus is closed.');
  };

  async function publish(externalCustomerId: string, event: BrowserStatusEvent): Promise<ConnectionEvent> {
    const { commands } = await connect();
    // The script numbers the event, appends it and publishes it in one step, so ids, the
    // replay list and delivery share one order across instances.
    const rest = JSON.stringify({ externalCustomerId, event }).slice(1);
    const id = await commands.sendCommand([
      'EVAL',
      PUBLISH_SCRIPT,
      '2',
      `${prefix}seq`,
      replayKey(externalCustomerId),
      rest,
      String(replaySize),
      String(replayTtl),
      channelOf(externalCustomerId),
    ]);
    return { id: String(id), externalCustomerId, event };
  }

  async function subscribe(externalCustomerId: string, listener: ConnectionEventListener): Promise<() => void> {
    const { subscriber } = await connect();
    const channel = channelOf(externalCustomerId);
    let entry = local.get(externalCustomerId);
    if (!entry) {
      entry = { listeners: new Set(), ready: enqueue(channel, () => subscriber.subscribe(channel, onMessage)) };
      local.set(externalCustomerId, entry);
    }
    const mine = entry;
    mine.listeners.add(listener);
    const unsubscribe = () => {
      mine.listeners.delete(listener);
      if (mine.listeners.size === 0 && local.get(externalCustomerId) === mine) {
        local.delete(externalCustomerId);
        if (!closed) void enqueue(channel, () => subscriber.unsubscribe(channel, onMessage)).catch(onError);
      }
    };
    try {
      // Once SUBSCRIBE is acknowledged, every event published after this resolves is delivered.
      await withTimeout(mine.ready, operationTimeoutMs, 'a subscribe');
    } catch (error) {
      // No SUBSCRIBE: drop this listener; the last one out unsubscribes (in order, after the pending SUBSCRIBE).
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async function replay(externalCustomerId: string, lastEventId: string): Promise<ConnectionEvent[]> {
    const { commands } = await connect();
    const raw = await commands.lRange(replayKey(externalCustomerId), 0, -1);
    const events: ConnectionEvent[] = [];
    for (const item of raw) {
      try {
        const event = asConnectionEvent(JSON.parse(item));
        if (event?.externalCustomerId === externalCustomerId) events.push(event);
      } catch {
        // skip what is not ours
      }
    }
    const at = events.findIndex((e) => e.id === lastEventId);
    return at === -1 ? events : events.slice(at + 1);
  }

  const bus: RedisEventBus = {
    async publish(externalCustomerId, event) {
      checkCustomer(externalCustomerId);
      return withTimeout(publish(externalCustomerId, event), operationTimeoutMs, 'a publish');
    },

    async subscribe(externalCustomerId, listener) {
      checkCustomer(externalCustomerId);
      // The connection may be down: bound the wait for it; the SUBSCRIBE has its own bound.
      await withTimeout(connect(), operationTimeoutMs, 'a connection');
      return subscribe(externalCustomerId, listener);
    },

    async replay(externalCustomerId, lastEventId) {
      checkCustomer(externalCustomerId);
      return withTimeout(replay(externalCustomerId, lastEventId), operationTimeoutMs, 'a replay');
    },

    async claimEvent(eventId) {
      const claim = async () => {
        const { commands } = await connect();
        return (await commands.sendCommand(['SET', `${prefix}claim:${eventId}`, '1', 'NX', 'EX', String(claimTtl)])) === 'OK';
      };
      return withTimeout(claim(), operationTimeoutMs, 'a claim');
    },

    async releaseEvent(eventId) {
      const release = async () => {
        const { commands } = await connect();
        await commands.del(`${prefix}claim:${eventId}`);
      };
      await withTimeout(release(), operationTimeoutMs, 'a release');
    },

    stats() {
      let count = 0;
      for (const entry of local.values()) count += entry.listeners.size;
      return { customers: local.size, listeners: count };
    },

    async close() {
      if (closed) return;
      closed = true;
      local.clear();
      // Not awaiting the connection: with Redis down it never settles.
      await Promise.all(created.map(quit));
      created = [];
    },
  };
  // createRedisRateLimiter({ bus }) sends its commands on this bus's connection.
  shareCommands(bus, {
    prefix,
    send: async (args) => {
      if (closed) throw new Error('meld-reconnect-kit/server: this event bus is closed.');
      const command = async () => (await connect()).commands.sendCommand(args);
      return withTimeout(command(), operationTimeoutMs, 'a command');
    },
  });
  return bus;
}
