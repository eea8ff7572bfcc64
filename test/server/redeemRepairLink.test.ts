// POST {base}/repair-links/redeem through createReconnectHandler, with
// fetch-standard Requests as a browser page of the site sends them, against
// the fake Meld: the answer, the one refusal for every reason, what a refusal
// leaves unchanged, Meld's failures (the link stays usable), the rate limit,
// and the route without the option.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createMeldClient,
  createMemoryEventBus,
  createMemoryRepairLinkStore,
  createReconnectHandler,
  createRepairLinks,
  type ReconnectErrorContext,
  type ReconnectHandlerOptions,
  type RepairLinks,
  type RepairLinksOptions,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';

const BASE = '/api/meld';
const SECRET = 'redeem-route-test-secret-0123456789abcdef';
const REFUSAL = { code: 'REPAIR_LINK_INVALID', message: 'This link can no longer be used. Open the app to reconnect your bank.' };
const T0 = Date.parse('2026-03-01T12:00:00Z');

let meld: FakeMeld;
let links: RepairLinks;
let handler: (request: Request) => Promise<Response>;
let errors: Array<{ error: unknown; context: ReconnectErrorContext }>;
let authorized: number;
let at: number;

function build(overrides: Partial<ReconnectHandlerOptions> = {}, linkOptions: Partial<RepairLinksOptions> = {}) {
  links = createRepairLinks({ secret: SECRET, now: () => at, ...linkOptions });
  handler = createReconnectHandler({
    meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, timeoutMs: 300, retries: 0 }),
    authorize: (request) => {
      authorized += 1;
      const user = request.headers.get('x-user');
      return user ? { externalCustomerId: user } : null;
    },
    basePath: BASE,
    bus: createMemoryEventBus(),
    events: false,
    repairLinks: links,
    onError: (error, context) => errors.push({ error, context }),
    ...overrides,
  });
}

const SAME_ORIGIN = { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', origin: 'http://h' };

/** A redeem as the kit's landing page sends it. `body` is JSON-encoded unless it is a string. */
async function redeem(user: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  const response = await handler(
    new Request(`http://h${BASE}/repair-links/redeem`, {
      method: 'POST',
      headers: { ...SAME_ORIGIN, ...(user ? { 'x-user': user } : {}), ...headers },
      body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, headers: [...response.headers], json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const tokenFor = (customer: string, connectionId: string, ttlSeconds?: number) => links.issue({ externalCustomerId: customer, connectionId }, { ttlSeconds }).token;
const lookups = () => meld.requests.filter((r) => r.method === 'GET').length;

beforeAll(async () => {
  meld = await startFakeMeld();
});
afterAll(() => meld.close());
beforeEach(() => {
  meld.reset();
  errors = [];
  authorized = 0;
  at = T0;
  meld.add(
    meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
    meldConnection('a2', 'alice', { status: 'DELETED', statusReason: null }),
    meldConnection('b1', 'bob', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
  );
  build();
});

describe('POST {base}/repair-links/redeem', () => {
  it("given alice's link, should answer her connection exactly as GET /connections/:id does", async () => {
    const answer = await redeem('alice', { token: tokenFor('alice', 'a1') });
    expect(answer.status).toBe(200);
    const get = await handler(new Request(`http://h${BASE}/connections/a1`, { headers: { 'x-user': 'alice' } }));
    expect(answer.json).toEqual({ connectionId: 'a1', connection: await get.json() });
    expect(answer.json!.connection).toMatchObject({ id: 'a1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'First Test Bank' });
    expect(JSON.stringify(answer.json)).not.toContain('provider-secret');
    expect(Object.fromEntries(answer.headers)).toMatchObject({ 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' });
  });

  it('should apply enrichConnection as the other routes do', async () => {
    build({ enrichConnection: (connection) => ({ nickname: `card ${connection.id}` }) });
    const answer = await redeem('alice', { token: tokenFor('alice', 'a1') });
    expect(answer.json!.connection).toMatchObject({ id: 'a1', nickname: 'card a1' });
  });

  it('should answer it once, then the refusal', async () => {
    const token = tokenFor('alice', 'a1');
    expect((await redeem('alice', { token })).status).toBe(200);
    expect(await redeem('alice', { token })).toMatchObject({ status: 404, json: REFUSAL });
  });

  describe('every refusal is the same answer', () => {
    // Each case: a request body, and whether Meld may be asked (only tokens whose tag checks out for the caller).
    const cases: Array<[string, () => Promise<{ body: unknown; user?: string; meldAsked: boolean }>]> = [
      ['malformed JSON', async () => ({ body: '{"token":', meldAsked: false })],
      ['an empty body', async () => ({ body: '', meldAsked: false })],
      ['JSON without a token', async () => ({ body: { link: tokenFor('alice', 'a1') }, meldAsked: false })],
      ['a token that is not a string', async () => ({ body: { token: 12345 }, meldAsked: false })],
      ['an array body', async () => ({ body: [tokenFor('alice', 'a1')], meldAsked: false })],
      ['a token of the wrong length', async () => ({ body: { token: 'AAAA' }, meldAsked: false })],
      ['a token longer than any', async () => ({ body: { token: 'A'.repeat(221) }, meldAsked: false })],
      ['a token that is not base64url', async () => ({ body: { token: `${tokenFor('alice', 'a1').slice(0, -2)}+/` }, meldAsked: false })],
      ['a tampered token', async () => ({ body: { token: flip(tokenFor('alice', 'a1'), 30) }, meldAsked: false })],
      ['a token made with an unknown key', async () => ({ body: { token: createRepairLinks({ secret: 'x'.repeat(32) }).issue({ externalCustomerId: 'alice', connectionId: 'a1' }).token }, meldAsked: false })],
      ["another customer's link", async () => ({ body: { token: tokenFor('bob', 'b1') }, meldAsked: false })],
      ['an expired link', async () => {
        const token = tokenFor('alice', 'a1', 60);
        at += 60_000;
        return { body: { token }, meldAsked: false };
      }],
      ['a used link', async () => {
        const token = tokenFor('alice', 'a1');
        await links.redeem(token, 'alice');
        return { body: { token }, meldAsked: true };
      }],
      ['a link to a deleted connection', async () => ({ body: { token: tokenFor('alice', 'a2') }, meldAsked: true })],
      ['a link to a connection Meld does not know', async () => ({ body: { token: tokenFor('alice', 'gone') }, meldAsked: true })],
      ["a link of alice's to a connection that is bob's", async () => ({ body: { token: tokenFor('alice', 'b1') }, meldAsked: true })],
      ['a body over the cap', async () => ({ body: { token: tokenFor('alice', 'a1'), pad: 'x'.repeat(2000) }, meldAsked: false })],
      ['a body that is not UTF-8', async () => ({ body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), meldAsked: false })],
    ];
    let reference: Awaited<ReturnType<typeof redeem>>;
    beforeEach(async () => {
      reference = await redeem('alice', { token: 'not-a-token' });
      meld.requests.length = 0;
    });

    it.each(cases)('given %s, should answer 404 REPAIR_LINK_INVALID with the same headers', async (_, make) => {
      const { body, meldAsked } = await make();
      const answer = await redeem('alice', body);
      expect(answer).toEqual(reference);
      expect(answer).toMatchObject({ status: 404, json: REFUSAL });
      if (!meldAsked) expect(lookups()).toBe(0);
      expect(meld.mutations()).toEqual([]);
      expect(errors).toEqual([]);
    });
  });

  it('given a refused link, should change nothing: the link stays usable by its owner', async () => {
    const token = tokenFor('alice', 'a1');
    expect((await redeem('bob', { token })).status).toBe(404);
    expect((await redeem('alice', { token: token.slice(0, -1) })).status).toBe(404);
    expect((await redeem('alice', { token }, { 'content-type': 'text/plain' })).status).toBe(415);
    // Meld lost the connection for a moment: refused, not used up.
    meld.connections.delete('a1');
    expect((await redeem('alice', { token })).status).toBe(404);
    meld.add(meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }));
    expect((await redeem('alice', { token })).status).toBe(200);
  });

  it('given Meld fails (5xx) or does not answer in time, should answer 502 / 504 without using the link', async () => {
    const token = tokenFor('alice', 'a1');
    meld.script({ method: 'GET', path: '/bank-linking/connections/a1', status: 503, body: { code: 'UNAVAILABLE', message: 'down' } });
    expect(await redeem('alice', { token })).toMatchObject({ status: 502, json: { code: 'MELD_UNAVAILABLE' } });
    meld.script({ method: 'GET', path: '/bank-linking/connections/a1', hang: true });
    expect(await redeem('alice', { token })).toMatchObject({ status: 504, json: { code: 'MELD_TIMEOUT' } });
    expect(errors.map((e) => [e.context.route, e.context.status])).toEqual([
      ['redeem', 502],
      ['redeem', 504],
    ]);
    expect((await redeem('alice', { token })).status).toBe(200);
  });

  it('given the memory store is full of unexpired links, should answer 500, report it, and leave the link unused', async () => {
    const store = createMemoryRepairLinkStore({ maxEntries: 1, now: () => at });
    build({}, { store });
    expect((await redeem('alice', { token: tokenFor('alice', 'a1', 60) })).status).toBe(200);
    const token = tokenFor('alice', 'a1');
    expect(await redeem('alice', { token })).toMatchObject({ status: 500, json: { code: 'INTERNAL' } });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.context).toMatchObject({ route: 'redeem', status: 500 });
    expect(String(errors[0]!.error)).toMatch(/maxEntries/);
    at += 60_000;
    expect((await redeem('alice', { token })).status).toBe(200);
  });

  it('given a cross-site POST or another content type, should refuse before authorize runs (403) or before the token is read (415)', async () => {
    const token = tokenFor('alice', 'a1');
    const crossSite = await redeem('alice', { token }, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(crossSite).toMatchObject({ status: 403, json: { code: 'ORIGIN_NOT_ALLOWED' } });
    expect(authorized).toBe(0);
    expect(await redeem('alice', { token }, { 'content-type': 'text/plain' })).toMatchObject({ status: 415, json: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(lookups()).toBe(0);
    expect((await redeem('alice', { token })).status).toBe(200);
  });

  it('given no sign-in, should answer 401 and not look at the token', async () => {
    expect(await redeem(undefined, { token: tokenFor('alice', 'a1') })).toMatchObject({ status: 401, json: { code: 'UNAUTHORIZED' } });
    expect(lookups()).toBe(0);
  });

  it('should accept POST only', async () => {
    const response = await handler(new Request(`http://h${BASE}/repair-links/redeem`, { headers: { 'x-user': 'alice' } }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('given no repairLinks option, should answer like an unknown route', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {}); // development explains an unknown route
    vi.stubEnv('NODE_ENV', 'production');
    try {
      build({ repairLinks: undefined });
      const answer = await redeem('alice', { token: tokenFor('alice', 'a1') });
      const unknown = await handler(new Request(`http://h${BASE}/no-such-route`, { method: 'POST', headers: { ...SAME_ORIGIN, 'x-user': 'alice' }, body: '{}' }));
      expect(answer).toEqual({ status: 404, headers: [...unknown.headers], json: await unknown.json() });
      expect(answer.json).toEqual({ code: 'NOT_FOUND', message: 'No such route.' });
      expect(lookups()).toBe(0);
    } finally {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    }
  });

  it('given a router that stripped its mount path, should explain the basePath mistake for this route too (development)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const answer = await handler(new Request('http://h/repair-links/redeem', { method: 'POST', headers: { ...SAME_ORIGIN, 'x-user': 'alice' }, body: '{}' }));
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { message: string }).message).toContain("POST /repair-links/redeem arrived, but basePath is '/api/meld'. Something in front of the handler removed '/api/meld'");
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('given repairLinks that are not createRepairLinks, should throw naming the fix', () => {
    expect(() => build({ repairLinks: {} as never })).toThrow(/repairLinks is what createRepairLinks returns/);
  });
});

describe('redeem rate limit', () => {
  it('given 20 attempts in 15 minutes (the default), should answer the 21st 429 with Retry-After, per customer', async () => {
    for (let i = 0; i < 20; i += 1) expect((await redeem('alice', { token: `guess-${i}` })).status).toBe(404);
    const limited = await redeem('alice', { token: tokenFor('alice', 'a1') });
    expect(limited).toMatchObject({ status: 429, json: { code: 'RATE_LIMITED' } });
    expect(Number(new Map(limited.headers).get('retry-after'))).toBeGreaterThan(800);
    expect((await redeem('bob', { token: tokenFor('bob', 'b1') })).status).toBe(200);
  });

  it('should honour redeemRateLimit, and false turns it off', async () => {
    build({ redeemRateLimit: { limit: 2 } });
    const token = tokenFor('alice', 'a1');
    expect((await redeem('alice', { token: 'x' })).status).toBe(404);
    expect((await redeem('alice', { token: 'y' })).status).toBe(404);
    expect((await redeem('alice', { token })).status).toBe(429);
    build({ redeemRateLimit: false });
    for (let i = 0; i < 30; i += 1) expect((await redeem('alice', { token: `guess-${i}` })).status).toBe(404);
  });
});

/** The token with one bit of its byte `at` flipped. */
function flip(token: string, at: number, bit = 0): string {
  const bytes = Buffer.from(token, 'base64url');
  bytes[at]! ^= 1 << bit;
  return bytes.toString('base64url');
}
