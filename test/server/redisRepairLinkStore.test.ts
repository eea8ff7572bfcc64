// createRedisRepairLinkStore against a real redis-server (started on a
// loopback port by redisSetup.ts): one key per used link, expiring after the
// link (plus the clock-skew margin), on the bus's connection or its own, a
// simulated clock moved onto Redis' real one, and Redis down failing closed
// through the redeem route without using the link.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createMeldClient,
  createMemoryEventBus,
  createReconnectHandler,
  createRedisEventBus,
  createRedisRepairLinkStore,
  createRepairLinks,
  type ReconnectErrorContext,
  type RedisRepairLinkStore,
  type RedisRepairLinkStoreOptions,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';

const redisUrl = inject('redisUrl');
const SECRET = 'redis-store-test-secret-0123456789abcdefgh';
const SKEW_MS = 5 * 60_000;
let raw: ReturnType<typeof createClient>;
let prefix: string;
let closers: Array<() => Promise<void>>;

function store(options: RedisRepairLinkStoreOptions): RedisRepairLinkStore {
  const made = createRedisRepairLinkStore(options);
  closers.push(() => made.close());
  return made;
}

const expireTime = async (key: string) => Number(await raw.sendCommand(['PEXPIRETIME', key]));

beforeAll(async () => {
  raw = createClient({ url: redisUrl });
  raw.on('error', () => {});
  await raw.connect();
});
afterAll(() => raw.close());
beforeEach(() => {
  prefix = `mrk-rls-${randomUUID().slice(0, 8)}:`;
  closers = [];
});
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
});

describe('createRedisRepairLinkStore', () => {
  it("should answer true to the first consumer only, across two stores, keeping one key until the link's expiry plus the skew margin", async () => {
    const a = store({ url: redisUrl, prefix });
    const b = store({ url: redisUrl, prefix });
    const expiresAt = Date.now() + 60_000;
    expect(await a.consume('id-1', expiresAt)).toBe(true);
    expect(await b.consume('id-1', expiresAt)).toBe(false);
    expect(await a.consume('id-1', expiresAt)).toBe(false);
    expect(await b.consume('id-2', expiresAt)).toBe(true);
    const key = `${prefix}repair-link:id-1`;
    expect(await raw.get(key)).toBe('1');
    expect(await expireTime(key)).toBe(expiresAt + SKEW_MS);
  });

  it("given a bus, should send on the bus's connection with its prefix, and leave the bus open on close", async () => {
    const bus = createRedisEventBus({ url: redisUrl, prefix, onError: () => {} });
    closers.push(() => bus.close());
    const onBus = createRedisRepairLinkStore({ bus });
    expect(await onBus.consume('id-1', Date.now() + 60_000)).toBe(true);
    expect(await raw.exists(`${prefix}repair-link:id-1`)).toBe(1);
    await onBus.close();
    await expect(onBus.consume('id-2', Date.now() + 60_000)).rejects.toThrow(/closed/);
    // The bus still works: a second store on it goes on where the first left off.
    const again = createRedisRepairLinkStore({ bus });
    expect(await again.consume('id-1', Date.now() + 60_000)).toBe(false);
  });

  it('given an expired link, should answer false without keeping anything', async () => {
    const a = store({ url: redisUrl, prefix });
    expect(await a.consume('old', Date.now() - 1)).toBe(false);
    expect(await raw.exists(`${prefix}repair-link:old`)).toBe(0);
  });

  it("given the links' simulated clock, should move the expiry onto Redis' real clock", async () => {
    const simulated = Date.parse('2020-01-01T00:00:00Z');
    const a = store({ url: redisUrl, prefix, now: () => simulated });
    const before = Date.now();
    expect(await a.consume('sim', simulated + 3_600_000)).toBe(true);
    const at = await expireTime(`${prefix}repair-link:sim`);
    expect(at).toBeGreaterThanOrEqual(before + 3_600_000 + SKEW_MS);
    expect(at).toBeLessThanOrEqual(Date.now() + 3_600_000 + SKEW_MS + 1);
  });

  it('given Redis does not answer, should reject within operationTimeoutMs', async () => {
    const down = store({ url: 'redis://127.0.0.1:1', operationTimeoutMs: 200, onError: () => {} });
    const started = performance.now();
    await expect(down.consume('x', Date.now() + 60_000)).rejects.toThrow(/did not answer/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('given neither bus nor url, should throw an error that names the fix', () => {
    expect(() => createRedisRepairLinkStore({} as never)).toThrow(/createRedisRepairLinkStore needs \{ bus \}.*or \{ url \}/);
    expect(() => createRedisRepairLinkStore({ bus: createMemoryEventBus() as never })).toThrow(/needs \{ bus \}/);
  });
});

describe('createRedisRepairLinkStore through the redeem route', () => {
  let meld: FakeMeld;
  beforeAll(async () => {
    meld = await startFakeMeld();
    meld.add(meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }));
  });
  afterAll(() => meld.close());

  function handler(linkStore: RedisRepairLinkStore, errors: ReconnectErrorContext[] = []) {
    return createReconnectHandler({
      meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, retries: 0 }),
      authorize: () => ({ externalCustomerId: 'alice' }),
      basePath: '/api/meld',
      bus: createMemoryEventBus(),
      events: false,
      repairLinks: createRepairLinks({ secret: SECRET, store: linkStore }),
      onError: (_, context) => errors.push(context),
    });
  }
  const redeem = async (h: (request: Request) => Promise<Response>, token: string) =>
    (
      await h(
        new Request('http://h/api/meld/repair-links/redeem', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
          body: JSON.stringify({ token }),
        }),
      )
    ).status;

  it('given Redis down, should answer 500 (fail closed), report it, and leave the link for when Redis is back', async () => {
    const { token } = createRepairLinks({ secret: SECRET }).issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    const errors: ReconnectErrorContext[] = [];
    const down = handler(store({ url: 'redis://127.0.0.1:1', operationTimeoutMs: 200, onError: () => {} }), errors);
    expect(await redeem(down, token)).toBe(500);
    expect(errors).toMatchObject([{ route: 'redeem', status: 500 }]);
    const up = handler(store({ url: redisUrl, prefix }));
    expect(await redeem(up, token)).toBe(200);
    expect(await redeem(up, token)).toBe(404);
  });
});
