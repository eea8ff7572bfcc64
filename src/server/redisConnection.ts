// What the Redis event bus, the Redis rate limiter and the Redis repair-link
// store share: the slice of node-redis they use, loading it on first use,
// bounded waits, closing, and the bus's command connection lent to the others
// (or a connection of their own). Internal.

/** The slice of node-redis (v5, v6) the kit uses. */
export interface RedisLike {
  connect(): Promise<unknown>;
  duplicate(): RedisLike;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  lRange(key: string, start: number, stop: number): Promise<string[]>;
  del(key: string): Promise<number>;
  sendCommand(args: string[]): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  close?(): Promise<void>;
  quit?(): Promise<unknown>;
  destroy?(): void;
}

const missingClient = (caller: string) =>
  `meld-reconnect-kit/server: ${caller} needs the \`redis\` package (node-redis 5 or 6): npm install redis`;

export async function loadCreateClient(caller = 'createRedisEventBus'): Promise<(options: Record<string, unknown>) => RedisLike> {
  let mod: { createClient?: unknown };
  try {
    mod = (await import('redis')) as { createClient?: unknown };
  } catch (cause) {
    throw new Error(missingClient(caller), { cause });
  }
  if (typeof mod.createClient !== 'function') throw new Error(missingClient(caller));
  return mod.createClient as (options: Record<string, unknown>) => RedisLike;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`meld-reconnect-kit/server: Redis did not answer ${what} within ${ms} ms.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Closes gracefully (pending commands finish), or drops the connection if that takes long. */
export async function quit(client: RedisLike): Promise<void> {
  try {
    const graceful = client.close ? client.close() : client.quit ? client.quit() : Promise.resolve();
    await withTimeout(Promise.resolve(graceful), 1000, 'a close');
  } catch {
    try {
      client.destroy?.();
    } catch {
      // already gone
    }
  }
}

/** A Redis bus's command connection, as a limiter borrows it. */
export interface SharedCommands {
  /** Sends one command on the bus's connection (connecting first if needed), bounded by the bus's timeout. */
  send(args: string[]): Promise<unknown>;
  /** The bus's key prefix. */
  prefix: string;
}

// Kept off the bus's public type: only the kit's own limiter borrows the connection.
const shared = new WeakMap<object, SharedCommands>();

export function shareCommands(bus: object, commands: SharedCommands): void {
  shared.set(bus, commands);
}

export function sharedCommandsOf(bus: unknown): SharedCommands | undefined {
  return typeof bus === 'object' && bus !== null ? shared.get(bus) : undefined;
}

/** What a Redis helper on a bus or on its own connection is given. */
export interface CommandSenderOptions {
  bus?: unknown;
  url?: string | undefined;
  clientOptions?: Record<string, unknown> | undefined;
  operationTimeoutMs?: number | undefined;
  onError?: ((error: unknown) => void) | undefined;
}

/** Commands on a borrowed bus connection or on a connection of its own, opened on first use. */
export interface CommandSender {
  send(args: string[]): Promise<unknown>;
  /** The bus's prefix when it borrows one. */
  busPrefix: string | undefined;
  /** Closes its own connection (a borrowed one stays the bus's to close). */
  close(): Promise<void>;
}

/**
 * The connection of a helper such as `createRedisRateLimiter`: the bus's,
 * when `options.bus` is a Redis bus, else its own from `options.url`, opened
 * lazily and bounded by `operationTimeoutMs`. Throws `usage` (a TypeError
 * naming the fix) when given neither. `caller` names the helper in messages.
 */
export function commandSender(options: CommandSenderOptions | undefined, caller: string, what: string, usage: string): CommandSender {
  const borrowed = sharedCommandsOf(options?.bus);
  if (!borrowed && (typeof options?.url !== 'string' || !/^rediss?:\/\//.test(options.url))) throw new TypeError(usage);
  const operationTimeoutMs = Math.max(1, options?.operationTimeoutMs ?? 3000);
  const onError = options?.onError ?? ((error: unknown) => console.error('[meld-reconnect-kit] redis:', error));
  const closedError = () => new Error(`meld-reconnect-kit/server: this ${what} is closed.`);

  let own: Promise<RedisLike> | undefined;
  let created: RedisLike | undefined;
  let closed = false;
  const connect = () =>
    (own ??= (async () => {
      const createClient = await loadCreateClient(caller);
      if (closed) throw closedError();
      const client = createClient({ ...options?.clientOptions, url: options?.url });
      created = client;
      client.on('error', onError);
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      own = undefined; // a later call tries again
      throw error;
    }));

  return {
    busPrefix: borrowed?.prefix,
    send(args) {
      if (closed) return Promise.reject(closedError());
      if (borrowed) return borrowed.send(args);
      return withTimeout(
        connect().then((client) => client.sendCommand(args)),
        operationTimeoutMs,
        `a ${what} call`,
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      if (created) await quit(created);
      created = undefined;
    },
  };
}
