// createRedisRateLimiter against a real redis-server (started on a loopback
// port by redisSetup.ts): one limit across instances, a sliding window on
// Redis' clock, expiring keys, and floods that cannot lift anyone's limit.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createMeldClient,
  createReconnectHandler,
  createRedisEventBus,
  createRedisRateLimiter,
  type RedisEventBus,
  type RedisRateLimiter,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';

const redisUrl = inject('redisUrl');
let raw: ReturnType<typeof createClient>;
let prefix: string;
let closers: Array<() => Promise<void>>;

function bus(): RedisEventBus {
  const made = createRedisEventBus({ url: redisUrl, prefix, onError: () => {} });
  closers.push(() => made.close());
  return made;
}

function limiter(options: Parameters<typeof createRedisRateLimiter>[0]): RedisRateLimiter {
  const made = createRedisRateLimiter(options);
  closers.push(() => made.close());
  return made;
}

beforeAll(async () => {
  raw = createClient({ url: redisUrl });
  raw.on('error', () => {});
  await raw.connect();
});
afterAll(() => raw.close());
beforeEach(() => {
  prefix = `mrk-rl-${randomUUID().slice(0, 8)}:`;
  closers = [];
});
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
});

describe('createRedisRateLimiter', () => {
  it("given two instances, each on its own bus's connection, should enforce one limit across them", async () => {
    const a = limiter({ bus: bus(), limit: 3, windowMs: 60_000 });
    const b = limiter({ bus: bus(), limit: 3, windowMs: 60_000 });
    expect(await a.take('a1', 'alice')).toEqual({ allowed: true });
    expect(await b.take('a1', 'alice')).toEqual({ allowed: true });
    expect(await a.take('a1', 'alice')).toEqual({ allowed: true });
    const refused = await b.take('a1', 'alice');
    expect(refused).toMatchObject({ allowed: false });
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(55);
    expect(await a.take('a1', 'alice')).toMatchObject({ allowed: false });
    // Another connection, another customer: their own budgets.
    expect(await b.take('a2', 'alice')).toEqual({ allowed: true });
    expect(await a.take('a1', 'bob')).toEqual({ allowed: true });
  });

  it('given concurrent takes on two instances, should allow exactly the limit', async () => {
    const a = limiter({ url: redisUrl, prefix, limit: 10, windowMs: 60_000 });
    const b = limiter({ url: redisUrl, prefix, limit: 10, windowMs: 60_000 });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).take('a1', 'alice')));
    expect(answers.filter((d) => d.allowed)).toHaveLength(10);
  });

  it('should slide: once the oldest call leaves the window, one more is allowed', async () => {
    const a = limiter({ bus: bus(), limit: 2, windowMs: 400 });
    await a.take('a1', 'alice');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await a.take('a1', 'alice');
    expect((await a.take('a1', 'alice')).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await a.take('a1', 'alice')).allowed).toBe(true);
    expect((await a.take('a1', 'alice')).allowed).toBe(false);
  });

  it("should keep one sorted set per customer and key, named with the customer's hash tag, expiring with the window", async () => {
    const a = limiter({ bus: bus(), name: 'repair', limit: 5, windowMs: 30_000 });
    await a.take('a1', 'alice');
    const key = `${prefix}ratelimit:repair:{alice}:a1`;
    expect(await raw.type(key)).toBe('zset');
    expect(await raw.zCard(key)).toBe(1);
    const ttl = await raw.pTTL(key);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('should give back the newest call on release', async () => {
    const a = limiter({ bus: bus(), limit: 1, windowMs: 60_000 });
    expect((await a.take('a1', 'alice')).allowed).toBe(true);
    await a.release('a1', 'alice');
    expect((await a.take('a1', 'alice')).allowed).toBe(true);
    expect((await a.take('a1', 'alice')).allowed).toBe(false);
  });

  it("given one customer's flood over 10,050 keys and two limits with different names, should not lift another customer's limit", async () => {
    const shared = bus();
    const a = limiter({ bus: shared, limit: 2, windowMs: 60_000 });
    const lookups = limiter({ bus: shared, name: 'lookups', limit: 1, windowMs: 60_000 });
    await a.take('b1', 'bob');
    await a.take('b1', 'bob');
    for (let i = 0; i < 10_050; i += 1050) {
      await Promise.all(Array.from({ length: Math.min(1050, 10_050 - i) }, (_, j) => a.take(`made_up_${i + j}`, 'mallory')));
    }
    expect((await a.take('b1', 'bob')).allowed).toBe(false);
    // The other limit's keys are apart: bob's lookups are untouched by his repairs.
    expect((await lookups.take('bob', 'bob')).allowed).toBe(true);
    expect((await lookups.take('bob', 'bob')).allowed).toBe(false);
  }, 30_000);

  it('given Redis does not answer, should fail the call within operationTimeoutMs', async () => {
    const a = limiter({ url: 'redis://127.0.0.1:1', operationTimeoutMs: 200, onError: () => {} });
    const started = performance.now();
    await expect(a.take('a1', 'alice')).rejects.toThrow(/did not answer/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('given neither bus nor url, should throw an error that names the fix', () => {
    expect(() => createRedisRateLimiter({} as never)).toThrow(/needs \{ bus \}.*or \{ url \}/);
  });
});

describe('createRedisRateLimiter: two host-backend instances sharing one Redis', () => {
  let meld: FakeMeld;
  beforeAll(async () => {
    meld = await startFakeMeld();
    meld.add(meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED' }), meldConnection('b1', 'bob', { status: 'RECONNECT_REQUIRED' }));
  });
  afterAll(() => meld.close());

  function instance() {
    const shared = bus();
    return createReconnectHandler({
      meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, retries: 0 }),
      authorize: (request) => ({ externalCustomerId: request.headers.get('x-user')! }),
      basePath: '/api/meld',
      bus: shared,
      events: false,
      repairRateLimit: createRedisRateLimiter({ bus: shared }),
      repairLookupRateLimit: createRedisRateLimiter({ bus: shared, name: 'repair-lookups', limit: 20 }),
    });
  }
  const repair = async (handler: (request: Request) => Promise<Response>, user: string, id: string) =>
    (await handler(new Request(`http://h/api/meld/connections/${id}/repair`, { method: 'POST', headers: { 'x-user': user, 'content-type': 'application/json' } }))).status;

  it('given 5 repairs spread over A and B, should refuse the 6th on either; a flood on both reaches Meld at most 20 times and lifts nothing', async () => {
    const a = instance();
    const b = instance();
    for (let i = 0; i < 5; i += 1) expect(await repair(i % 2 ? a : b, 'alice', 'a1')).toBe(200);
    expect(await repair(a, 'alice', 'a1')).toBe(429);
    expect(await repair(b, 'alice', 'a1')).toBe(429);
    expect(await repair(b, 'bob', 'b1')).toBe(200);

    const before = meld.requests.length;
    const statuses: Record<number, number> = {};
    for (let i = 0; i < 400; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => repair((i + j) % 2 ? a : b, 'mallory', `made_up_${i + j}`)));
      for (const status of batch) statuses[status] = (statuses[status] ?? 0) + 1;
    }
    expect(statuses).toEqual({ 404: 20, 429: 380 });
    expect(meld.requests.length - before).toBe(20);
    expect(await repair(a, 'alice', 'a1')).toBe(429);
    for (let i = 0; i < 4; i += 1) expect(await repair(i % 2 ? a : b, 'bob', 'b1')).toBe(200);
    expect(await repair(a, 'bob', 'b1')).toBe(429);
  });
});
