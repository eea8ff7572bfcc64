// Property tests of repair links (issue 15's proof): any single-bit change
// anywhere in a token is refused; the expiry boundary holds for any lifetime
// and clock (a millisecond before: accepted; at it and after: refused); and
// N concurrent redeems of one link through the reconnect handler give exactly
// one 200, in memory and over a real redis-server with two handler instances
// that share nothing but Redis.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createMeldClient,
  createMemoryEventBus,
  createMemoryRepairLinkStore,
  createReconnectHandler,
  createRedisEventBus,
  createRedisRepairLinkStore,
  createRepairLinks,
  type EventBus,
  type RepairLinks,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';

const SECRET = 'property-test-secret-0123456789-abcdefghij';
const BASE = '/api/meld';
const MAX_TTL = 30 * 86_400;
// Expiries are uint32 seconds: the latest issue time that still fits the longest lifetime.
const LAST_ISSUE_MS = (2 ** 32 - 1 - MAX_TTL) * 1000;

const connectionIds = fc.stringMatching(/^[\w.:@-]{1,128}$/);
// What authorize may return: 1 to 256 characters, no control characters.
// eslint-disable-next-line no-control-regex
const customers = fc.string({ minLength: 1, maxLength: 256, unit: 'grapheme' }).filter((s) => s.length <= 256 && !/[\u0000-\u001f\u007f]/.test(s));

describe('repair link tokens (properties)', () => {
  it('given any link, should refuse it with any single bit changed, anywhere in its bytes', () => {
    const links = createRepairLinks({ secret: SECRET });
    fc.assert(
      fc.property(connectionIds, customers, (connectionId, customer) => {
        const { token } = links.issue({ externalCustomerId: customer, connectionId });
        expect(links.verify(token, customer)?.connectionId).toBe(connectionId);
        const bytes = Buffer.from(token, 'base64url');
        for (let bit = 0; bit < bytes.length * 8; bit += 1) {
          const changed = Buffer.from(bytes);
          changed[bit >> 3]! ^= 1 << (bit & 7);
          expect(links.verify(changed.toString('base64url'), customer)).toBeUndefined();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('given any link, should refuse it with any one character replaced, added or removed', () => {
    const links = createRepairLinks({ secret: SECRET });
    const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .%'.split(''));
    fc.assert(
      fc.property(connectionIds, customers, fc.nat(), alphabet, fc.constantFrom('replace', 'insert', 'remove'), (connectionId, customer, where, char, edit) => {
        const { token } = links.issue({ externalCustomerId: customer, connectionId });
        const at = where % token.length;
        const edited =
          edit === 'replace' ? token.slice(0, at) + char + token.slice(at + 1) : edit === 'insert' ? token.slice(0, at) + char + token.slice(at) : token.slice(0, at) + token.slice(at + 1);
        fc.pre(edited !== token);
        expect(links.verify(edited, customer)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("given any two customers, should refuse one's link for the other", () => {
    const links = createRepairLinks({ secret: SECRET });
    fc.assert(
      fc.property(connectionIds, customers, customers, (connectionId, owner, other) => {
        fc.pre(owner !== other);
        expect(links.verify(links.issue({ externalCustomerId: owner, connectionId }).token, other)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('given any lifetime and clock, should accept a link until a millisecond before expiresAt and refuse it at and after', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: LAST_ISSUE_MS }), fc.integer({ min: 1, max: MAX_TTL }), fc.nat(), async (issuedAt, ttlSeconds, later) => {
        let now = issuedAt;
        const links = createRepairLinks({ secret: SECRET, now: () => now });
        const { token, expiresAt } = links.issue({ externalCustomerId: 'alice', connectionId: 'a1' }, { ttlSeconds });
        const end = expiresAt.getTime();
        // Whole seconds, never longer than asked, less than a second shorter.
        expect(end % 1000).toBe(0);
        expect(end - issuedAt).toBeLessThanOrEqual(ttlSeconds * 1000);
        expect(end - issuedAt).toBeGreaterThan(ttlSeconds * 1000 - 1000);
        expect(links.verify(token, 'alice')).toBeDefined();
        now = end - 1;
        expect(links.verify(token, 'alice')?.expiresAt.getTime()).toBe(end);
        now = end;
        expect(links.verify(token, 'alice')).toBeUndefined();
        expect(await links.redeem(token, 'alice')).toBeUndefined();
        now = end + later;
        expect(links.verify(token, 'alice')).toBeUndefined();
        // Refusing it as expired did not use it: a millisecond before, it still redeems, once.
        now = end - 1;
        expect(await links.redeem(token, 'alice')).toBeDefined();
        expect(await links.redeem(token, 'alice')).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('concurrent redeems of one link (properties)', () => {
  let meld: FakeMeld;
  beforeAll(async () => {
    meld = await startFakeMeld();
    meld.add(meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }));
  });
  afterAll(() => meld.close());

  function instance(links: RepairLinks, bus: EventBus = createMemoryEventBus()) {
    return createReconnectHandler({
      meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, timeoutMs: 5000, retries: 0 }),
      authorize: (request) => ({ externalCustomerId: request.headers.get('x-user')! }),
      basePath: BASE,
      bus,
      events: false,
      repairLinks: links,
      redeemRateLimit: false,
    });
  }

  const redeem = async (handler: (request: Request) => Promise<Response>, token: string) => {
    const response = await handler(
      new Request(`http://h${BASE}/repair-links/redeem`, {
        method: 'POST',
        headers: { 'x-user': 'alice', 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ token }),
      }),
    );
    const body = (await response.json()) as { code?: string; connectionId?: string };
    return { status: response.status, code: body.code, connectionId: body.connectionId };
  };

  it('given N redeems of one link at once on one instance (memory store), should answer exactly one 200', async () => {
    const links = createRepairLinks({ secret: SECRET, store: createMemoryRepairLinkStore() });
    const handler = instance(links);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 40 }), async (n) => {
        const { token } = links.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
        const answers = await Promise.all(Array.from({ length: n }, () => redeem(handler, token)));
        expect(answers.filter((a) => a.status === 200)).toEqual([{ status: 200, code: undefined, connectionId: 'a1' }]);
        expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 404 && a.code === 'REPAIR_LINK_INVALID')).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  describe('over Redis, two instances', () => {
    const redisUrl = inject('redisUrl');
    let closers: Array<() => Promise<void>>;
    beforeEach(() => {
      closers = [];
    });
    afterEach(async () => {
      await Promise.all(closers.map((close) => close()));
    });

    /** One host-backend instance: its own bus, store, links and handler; only Redis (and the secret) in common. */
    function redisInstance(prefix: string) {
      const bus = createRedisEventBus({ url: redisUrl, prefix, onError: () => {} });
      closers.push(() => bus.close());
      const links = createRepairLinks({ secret: SECRET, store: createRedisRepairLinkStore({ bus }) });
      return { links, handler: instance(links, bus) };
    }

    it('given N redeems of one link at once, spread over both instances, should answer exactly one 200', async () => {
      const prefix = `mrk-links-${randomUUID().slice(0, 8)}:`;
      const a = redisInstance(prefix);
      const b = redisInstance(prefix);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 40 }), fc.boolean(), async (n, issuedOnB) => {
          const { token } = (issuedOnB ? b : a).links.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
          const answers = await Promise.all(Array.from({ length: n }, (_, i) => redeem((i % 2 ? b : a).handler, token)));
          expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
          expect(answers.filter((x) => x.status === 404 && x.code === 'REPAIR_LINK_INVALID')).toHaveLength(n - 1);
        }),
        { numRuns: 20 },
      );
    }, 60_000);
  });
});
