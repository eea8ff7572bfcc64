// The repair rate limit as an attacker meets it (issue 13, item 4): ownership
// is checked before anything is counted, the limit is per customer and
// connection, made-up ids cannot push anyone's counters out, and a flood of
// them reaches Meld a bounded number of times.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMeldClient, createMemoryEventBus, createReconnectHandler, type ReconnectHandlerOptions } from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';

const BASE = '/api/meld';
let meld: FakeMeld;
let handler: (request: Request) => Promise<Response>;

function build(overrides: Partial<ReconnectHandlerOptions> = {}) {
  handler = createReconnectHandler({
    meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, timeoutMs: 2000, retries: 0 }),
    authorize: (request) => ({ externalCustomerId: request.headers.get('x-user')! }),
    basePath: BASE,
    bus: createMemoryEventBus(),
    events: false,
    ...overrides,
  });
}

const repair = async (user: string, id: string) =>
  (await handler(new Request(`http://h${BASE}/connections/${encodeURIComponent(id)}/repair`, { method: 'POST', headers: { 'x-user': user, 'content-type': 'application/json' } }))).status;

/** `count` repairs of made-up ids by `user`, `concurrency` at a time; the answers' statuses, counted. */
async function flood(user: string, count: number, concurrency = 50): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        // Requests arrive as I/O: let Meld's answers in between, as a real server would.
        await new Promise((resolve) => setImmediate(resolve));
        const status = await repair(user, `made_up_${user}_${n}`);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return statuses;
}

const lookups = () => meld.requests.filter((r) => r.method === 'GET').length;
const repairSessions = () => meld.requests.filter((r) => r.method === 'POST' && r.path === '/bank-linking/connect/repair').length;

beforeAll(async () => {
  meld = await startFakeMeld();
});
afterAll(() => meld.close());
beforeEach(() => {
  meld.reset();
  meld.add(
    meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
    meldConnection('a2', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
    meldConnection('b1', 'bob', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
  );
  build();
});

describe('repair rate limit under attack', () => {
  it('given the defaults, 5 repairs then a flood of 10,050 made-up ids, should still refuse the 6th repair and reach Meld at most 20 times during the flood', async () => {
    for (let i = 0; i < 5; i += 1) expect(await repair('alice', 'a1')).toBe(200);
    expect(await repair('alice', 'a1')).toBe(429);
    const before = meld.requests.length;
    const statuses = await flood('alice', 10_050);
    // The lookup budget is 20 per customer; the refused 6th repair spent one of them.
    expect(meld.requests.length - before).toBe(19);
    expect(statuses).toEqual({ 404: 19, 429: 10_031 });
    for (let i = 0; i < 5; i += 1) expect(await repair('alice', 'a1')).toBe(429);
    expect(repairSessions()).toBe(5);
  }, 60_000);

  it("given another customer floods made-up ids, should keep this customer's limit and leave its budget alone", async () => {
    for (let i = 0; i < 5; i += 1) expect(await repair('alice', 'a1')).toBe(200);
    expect(await repair('bob', 'b1')).toBe(200);
    await flood('mallory', 10_050);
    expect(await repair('alice', 'a1')).toBe(429);
    // Bob had used 1 of 5: he still has 4, neither more nor fewer.
    for (let i = 0; i < 4; i += 1) expect(await repair('bob', 'b1')).toBe(200);
    expect(await repair('bob', 'b1')).toBe(429);
  }, 60_000);

  it("given an id that is unknown or someone else's, should answer 404 every time without spending the repair budget", async () => {
    build({ repairRateLimit: { limit: 1 } });
    for (let i = 0; i < 3; i += 1) {
      expect(await repair('alice', 'nope')).toBe(404);
      expect(await repair('alice', 'b1')).toBe(404);
    }
    expect(meld.mutations()).toEqual([]);
    expect(await repair('alice', 'a1')).toBe(200);
    expect(await repair('bob', 'b1')).toBe(200);
  });

  it('should limit per customer and connection', async () => {
    build({ repairRateLimit: { limit: 2 } });
    meld.add(meldConnection('shared', 'carol', { status: 'RECONNECT_REQUIRED' }));
    for (let i = 0; i < 2; i += 1) expect(await repair('alice', 'a1')).toBe(200);
    expect(await repair('alice', 'a1')).toBe(429);
    expect(await repair('alice', 'a2')).toBe(200);
    expect(await repair('bob', 'b1')).toBe(200);
  });

  it('given repairs over the limit, should spend the lookup budget, then refuse without asking Meld', async () => {
    build({ repairRateLimit: { limit: 2 }, repairLookupRateLimit: { limit: 3 } });
    for (let i = 0; i < 2; i += 1) expect(await repair('alice', 'a1')).toBe(200);
    const before = lookups();
    for (let i = 0; i < 10; i += 1) expect(await repair('alice', 'a1')).toBe(429);
    expect(lookups() - before).toBe(3);
    // Bob's budget is his own.
    expect(await repair('bob', 'b1')).toBe(200);
  });

  it('given a lookup that leads to a repair, should give it back', async () => {
    build({ repairRateLimit: { limit: 10 }, repairLookupRateLimit: { limit: 2 } });
    for (let i = 0; i < 6; i += 1) expect(await repair('alice', i % 2 ? 'a1' : 'a2')).toBe(200);
    expect(await repair('alice', 'nope_1')).toBe(404);
    expect(await repair('alice', 'nope_2')).toBe(404);
    expect(await repair('alice', 'nope_3')).toBe(429);
  });

  it('given a concurrent flood, should reach Meld no more often than the lookup budget', async () => {
    build({ repairLookupRateLimit: { limit: 7 } });
    const statuses = await flood('mallory', 300, 300);
    expect(statuses).toEqual({ 404: 7, 429: 293 });
    expect(lookups()).toBe(7);
  });

  it('given repairLookupRateLimit: false, should ask Meld for every id, as a host that wants no lookup budget chose', async () => {
    build({ repairLookupRateLimit: false });
    expect(await flood('mallory', 40)).toEqual({ 404: 40 });
    expect(lookups()).toBe(40);
  });

  it('given a custom limiter without release, should count every lookup', async () => {
    const calls: string[] = [];
    build({ repairLookupRateLimit: { take: (key, customer) => (calls.push(`${customer}/${key}`), calls.length <= 2 ? { allowed: true } : { allowed: false, retryAfterSeconds: 9 }) } });
    expect(await repair('alice', 'a1')).toBe(200);
    expect(await repair('alice', 'a1')).toBe(200);
    const refused = await handler(new Request(`http://h${BASE}/connections/a1/repair`, { method: 'POST', headers: { 'x-user': 'alice', 'content-type': 'application/json' } }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('9');
    expect(calls).toEqual(['alice/alice', 'alice/alice', 'alice/alice']);
  });
});
