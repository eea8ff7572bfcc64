import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMeldClient, MELD_API_VERSION, MeldApiError, type MeldClient } from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';

let meld: FakeMeld;
let client: MeldClient;

beforeAll(async () => {
  meld = await startFakeMeld();
});
afterAll(() => meld.close());
beforeEach(() => {
  meld.reset();
  meld.add(meldConnection('c1', 'alice'), meldConnection('c2', 'bob', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }));
  client = createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, retryDelayMs: 5 });
});

async function rejection(promise: Promise<unknown>): Promise<MeldApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeldApiError);
  return error as MeldApiError;
}

describe('createMeldClient', () => {
  it('given any call, should send Authorization: BASIC <key> and Meld-Version', async () => {
    await client.getConnection('c1');
    await client.repairConnection('c1');
    const [get, repair] = meld.requests;
    for (const request of [get!, repair!]) {
      expect(request.headers.authorization).toBe(`BASIC ${FAKE_KEY}`);
      expect(request.headers['meld-version']).toBe('2026-02-03');
    }
    expect(MELD_API_VERSION).toBe('2026-02-03');
    expect(repair!.body).toEqual({ connectionId: 'c1' });
    expect(repair!.headers['content-type']).toBe('application/json');
  });

  it('given a version option, should send it', async () => {
    await createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, version: '2025-01-01' }).getConnection('c1');
    expect(meld.requests[0]!.headers['meld-version']).toBe('2025-01-01');
  });

  it('given the environment, should pick Meld\'s base URL', () => {
    expect(createMeldClient({ apiKey: 'k' }).baseUrl).toBe('https://api-sb.meld.io');
    expect(createMeldClient({ apiKey: 'k', environment: 'production' }).baseUrl).toBe('https://api.meld.io');
  });

  it('should call each documented route', async () => {
    await expect(client.getConnection('c1')).resolves.toMatchObject({ id: 'c1', externalCustomerId: 'alice' });
    await expect(client.repairConnection('c2')).resolves.toMatchObject({ id: 'c2', connectToken: expect.any(String), widgetUrl: expect.stringContaining('https://') });
    await expect(client.startConnection({ externalCustomerId: 'alice', products: ['TRANSACTIONS'] })).resolves.toMatchObject({ externalCustomerId: 'alice', widgetUrl: expect.any(String) });
    await expect(client.refreshConnection('c1')).resolves.toEqual({ requestId: expect.stringMatching(/^req_refresh/) });
    await expect(client.updateConnectionProducts('c1', ['INVESTMENT_HOLDINGS'])).resolves.toEqual({ requestId: expect.stringMatching(/^req_update/) });
    await expect(client.deleteConnection('c1')).resolves.toBeUndefined();
    expect(meld.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /bank-linking/connections/c1',
      'POST /bank-linking/connect/repair',
      'POST /bank-linking/connect/start',
      'POST /bank-linking/connections/c1/refresh',
      'POST /bank-linking/connections/c1/update',
      'DELETE /bank-linking/connections/c1',
    ]);
    expect(meld.requests[4]!.body).toEqual({ products: ['INVESTMENT_HOLDINGS'] });
  });

  it('given a list filter, should send externalCustomerId, statuses and limit', async () => {
    const page = await client.listConnections({ externalCustomerId: 'alice', statuses: ['ACTIVE', 'DEGRADED'], limit: 500 });
    expect(page).toMatchObject({ count: 1, remaining: 0, connections: [{ id: 'c1' }] });
    const query = meld.requests[0]!.query;
    expect(query.get('externalCustomerId')).toBe('alice');
    expect(query.get('statuses')).toBe('ACTIVE,DEGRADED');
    expect(query.get('limit')).toBe('100');
  });

  it("given more connections than a page, should follow the last listed connection's key (never its id)", async () => {
    for (let i = 0; i < 230; i += 1) meld.add(meldConnection(`many_${i}`, 'carol'));
    const all = await client.listAllConnections({ externalCustomerId: 'carol' });
    expect(all).toHaveLength(230);
    expect(new Set(all.map((c) => c.id)).size).toBe(230);
    // c1 and c2 hold positions 0 and 1: carol's first page ends at position 101.
    expect(meld.requests.map((r) => r.query.get('after'))).toEqual([null, 'pos_101', 'pos_201']);
    expect(meld.requests.every((r) => r.query.get('limit') === '100' && r.query.get('before') === null)).toBe(true);
    await expect(client.listAllConnections({ externalCustomerId: 'carol', maxConnections: 150 })).resolves.toHaveLength(150);
  });

  it('given a page size and a before cursor, should page backwards and keep list order', async () => {
    for (let i = 0; i < 35; i += 1) meld.add(meldConnection(`b_${i}`, 'dana'));
    // dana's connections hold positions 2..36; everything before the last one, 10 at a time.
    const all = await client.listAllConnections({ externalCustomerId: 'dana', before: 'pos_36', pageSize: 10 });
    expect(all.map((c) => c.id)).toEqual(Array.from({ length: 34 }, (_, i) => `b_${i}`));
    expect(meld.requests.map((r) => r.query.get('before'))).toEqual(['pos_36', 'pos_26', 'pos_16', 'pos_6']);
    expect(meld.requests.every((r) => r.query.get('after') === null)).toBe(true);
    meld.requests.length = 0;
    // Backwards with a cap keeps the ones nearest the cursor.
    const nearest = await client.listAllConnections({ externalCustomerId: 'dana', before: 'pos_36', pageSize: 10, maxConnections: 12 });
    expect(nearest.map((c) => c.id)).toEqual(Array.from({ length: 12 }, (_, i) => `b_${i + 22}`));
  });

  it('given before and after together, should refuse before sending anything', async () => {
    expect(() => client.listConnections({ before: 'a', after: 'b' })).toThrow(/before or after, not both/);
    await expect(client.listAllConnections({ before: 'a', after: 'b' })).rejects.toThrow(/before or after, not both/);
    expect(meld.requests).toHaveLength(0);
  });

  it('given every filter of the OpenAPI, should send each under its own name', async () => {
    await client.listConnections({
      customerId: 'cus_1',
      externalCustomerId: 'alice',
      institutionId: 'ins_1',
      institutionName: 'First Test Bank',
      statuses: ['ACTIVE'],
      serviceProviders: ['PLAID', 'MX'],
      startDate: '2026-01-01',
      endDate: '2026-12-31',
      limit: 5,
      after: 'pos_0',
    });
    expect(Object.fromEntries(meld.requests[0]!.query)).toEqual({
      customerId: 'cus_1',
      externalCustomerId: 'alice',
      institutionId: 'ins_1',
      institutionName: 'First Test Bank',
      statuses: 'ACTIVE',
      serviceProviders: 'PLAID,MX',
      startDate: '2026-01-01',
      endDate: '2026-12-31',
      limit: '5',
      after: 'pos_0',
    });
  });

  it('given a page with connections remaining but no key on its edge, should reject instead of guessing a cursor', async () => {
    meld.script({ method: 'GET', path: '/bank-linking/connections', status: 200, body: { count: 1, remaining: 5, connections: [meldConnection('x', 'z')] } });
    const error = await rejection(client.listAllConnections({ externalCustomerId: 'z' }));
    expect(error).toMatchObject({ kind: 'invalid-response', method: 'GET' });
    expect(error.message).toMatch(/no key to page on/);
    expect(meld.requests).toHaveLength(1);
  });

  it('given a cursor that does not move, should stop instead of looping', async () => {
    meld.script({ method: 'GET', path: '/bank-linking/connections', status: 200, body: { count: 1, remaining: 5, connections: [meldConnection('x', 'z', { key: 'k1' })] }, times: 10 });
    const all = await client.listAllConnections({ externalCustomerId: 'z' });
    expect(all.length).toBeLessThanOrEqual(2);
    expect(meld.requests.length).toBe(2);
  });

  describe('errors', () => {
    it("given Meld's error envelope, should reject with status, code, requestId and displayMessage", async () => {
      const error = await rejection(client.getConnection('nope'));
      expect(error).toMatchObject({ kind: 'http', status: 404, code: 'CONNECTION_NOT_FOUND', requestId: expect.stringMatching(/^req_/), method: 'GET' });
      meld.script({ path: '/bank-linking/connect/repair', status: 409, body: { code: 'CONFLICT_X', message: 'no', requestId: 'req_9', displayMessage: 'Start again' } });
      expect(await rejection(client.repairConnection('c1'))).toMatchObject({ status: 409, code: 'CONFLICT_X', requestId: 'req_9', displayMessage: 'Start again' });
    });

    it('given a 429 with Retry-After, should carry retryAfter', async () => {
      meld.script({ path: /refresh$/, status: 429, body: { code: 'RATE_LIMITED' }, headers: { 'retry-after': '120' } });
      expect(await rejection(client.refreshConnection('c1'))).toMatchObject({ status: 429, retryAfter: 120 });
    });

    it('given a wrong key, should say 401 and never put the key in the message', async () => {
      const bad = createMeldClient({ apiKey: 'sk_wrong_key_456', baseUrl: meld.url });
      const error = await rejection(bad.getConnection('c1'));
      expect(error.status).toBe(401);
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('sk_wrong_key_456');
      expect(JSON.stringify(bad)).not.toContain('sk_wrong_key_456');
    });

    it('given a non-JSON success or a wrong shape, should reject invalid-response', async () => {
      meld.script({ path: '/bank-linking/connections/c1', status: 200, text: '<html>' });
      expect(await rejection(client.getConnection('c1'))).toMatchObject({ kind: 'invalid-response', status: 200 });
      meld.script({ path: '/bank-linking/connections/c1', status: 200, body: { id: 'other', status: 'ACTIVE' } });
      expect(await rejection(client.getConnection('c1'))).toMatchObject({ kind: 'invalid-response' });
      meld.script({ path: '/bank-linking/connect/repair', status: 201, body: { id: 'c1' } });
      expect(await rejection(client.repairConnection('c1'))).toMatchObject({ kind: 'invalid-response' });
    });

    it('given a slow answer, should time out with kind timeout', async () => {
      const fast = createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, timeoutMs: 100, retries: 0 });
      meld.script({ path: '/bank-linking/connections/c1', hang: true });
      const started = performance.now();
      expect(await rejection(fast.getConnection('c1'))).toMatchObject({ kind: 'timeout', status: undefined });
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('given a caller abort, should reject with the abort reason, not a MeldApiError', async () => {
      meld.script({ path: '/bank-linking/connections/c1', hang: true });
      const controller = new AbortController();
      const call = client.getConnection('c1', { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('gone')), 30);
      await expect(call).rejects.toThrow('gone');
    });
  });

  describe('retries', () => {
    it('given a GET that meets 5xx twice, should retry with backoff and succeed', async () => {
      meld.script({ method: 'GET', path: '/bank-linking/connections/c1', status: 503, body: { code: 'UNAVAILABLE' }, times: 2 });
      await expect(client.getConnection('c1')).resolves.toMatchObject({ id: 'c1' });
      expect(meld.requests.filter((r) => r.path === '/bank-linking/connections/c1')).toHaveLength(3);
    });

    it('given a GET whose connection drops, should retry (network error)', async () => {
      meld.script({ method: 'GET', path: '/bank-linking/connections/c1', destroy: true });
      await expect(client.getConnection('c1')).resolves.toMatchObject({ id: 'c1' });
      expect(meld.requests).toHaveLength(2);
    });

    it('given a GET that keeps failing, should give up after `retries`', async () => {
      meld.script({ method: 'GET', path: '/bank-linking/connections/c1', status: 500, times: 10 });
      expect(await rejection(client.getConnection('c1'))).toMatchObject({ status: 500 });
      expect(meld.requests).toHaveLength(3);
    });

    it('given a POST or DELETE that meets 5xx or a dropped connection, should never retry', async () => {
      meld.script({ method: 'POST', status: 503, times: 5 });
      await rejection(client.repairConnection('c1'));
      await rejection(client.refreshConnection('c1'));
      meld.script({ method: 'DELETE', destroy: true });
      expect(await rejection(client.deleteConnection('c1'))).toMatchObject({ kind: 'network' });
      expect(meld.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'DELETE']);
    });

    it('given a GET 4xx, should not retry', async () => {
      await rejection(client.getConnection('missing'));
      expect(meld.requests).toHaveLength(1);
    });
  });

  describe('construction', () => {
    it('given no key, should throw an error that names the fix', () => {
      expect(() => createMeldClient({} as never)).toThrow(/needs \{ apiKey \}.*MELD_API_KEY/);
      expect(() => createMeldClient({ apiKey: '' })).toThrow(/apiKey/);
      expect(() => createMeldClient({ apiKey: 'two words' })).toThrow(/no spaces/);
      expect(() => createMeldClient({ apiKey: 'sk_live_abc:def' })).not.toThrow();
      expect(() => createMeldClient({ apiKey: 'k', environment: 'staging' as never })).toThrow(/'sandbox' or 'production'/);
    });

    it('given bad arguments to a call, should throw a TypeError', () => {
      expect(() => client.updateConnectionProducts('c1', [])).toThrow(TypeError);
      expect(() => client.getConnection('')).toThrow(TypeError);
      expect(() => client.startConnection({} as never)).toThrow(/externalCustomerId/);
    });
  });

  describe('the key never reaches an error (issue 13, item 5)', () => {
    const KEY = 'sk_live_SECRET_4f9a:Zq81';
    const base64 = (text: string) => Buffer.from(text).toString('base64');

    /** Every string a log could print for `error`: message, stack, the cause chain, JSON and inspect. */
    function everything(error: unknown): string {
      const parts: string[] = [inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error) ?? ''];
      for (let link: unknown = error, depth = 0; link !== undefined && depth < 20; depth += 1) {
        parts.push(String(link));
        if (!(link instanceof Error)) break;
        parts.push(link.message, link.stack ?? '', JSON.stringify(link) ?? '', JSON.stringify(Object.entries(link)));
        link = link.cause;
      }
      return parts.join('\n');
    }

    function expectNoKey(text: string, key = KEY) {
      for (const form of [key, base64(key), base64(`${key}:`), encodeURIComponent(key)]) expect(text).not.toContain(form);
    }

    it.each([
      ['a line feed', `${KEY}\n`],
      ['a carriage return', `${KEY}\r`],
      ['a NUL', `sk_live_nul\u0000tail`],
      ['a tab', `sk_live\ttab`],
      ['a non-ASCII letter (Latin-1)', 'sk_live_caf\u00e9_key'],
      ['a non-Latin-1 character', 'sk_live_\u2603_key'],
      ['a DEL', 'sk_live_\u007f_key'],
    ])('given a key with %s, should throw a TypeError at construction that names the fix and does not quote the key', (_what, key) => {
      let thrown: unknown;
      try {
        createMeldClient({ apiKey: key, baseUrl: meld.url });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(/printable ASCII.*trim\(\)/);
      expectNoKey(everything(thrown), key);
      expect(everything(thrown)).not.toContain(key.slice(0, 10));
    });

    it('given a fetch that throws an error quoting the key (as Node\'s does for a bad header), should scrub it from the MeldApiError, its message and its whole cause chain', async () => {
      const leaky: typeof fetch = async (_url, init) => {
        const authorization = new Headers(init?.headers).get('authorization') ?? '';
        const inner = Object.assign(new Error(`socket said ${base64(`${KEY}:`)} / ${encodeURIComponent(KEY)}`), { code: 'E_LEAK', headers: { authorization } });
        const middle = new AggregateError([new Error(`attempt 1 with ${authorization}`)], `all attempts failed for ${base64(KEY)}`, { cause: inner });
        throw Object.assign(new TypeError(`Headers.append: "${authorization}" is an invalid header value.`, { cause: middle }), { request: { headers: { authorization } } });
      };
      const errors: unknown[] = [];
      const client = createMeldClient({ apiKey: KEY, baseUrl: meld.url, fetch: leaky, retries: 0 });
      for (const run of [() => client.getConnection('c1'), () => client.repairConnection('c1'), () => client.deleteConnection('c1')]) {
        const error = await rejection(run());
        errors.push(error);
        expect(error).toMatchObject({ kind: 'network' });
        expect(error.message).toContain('BASIC [redacted]');
        expectNoKey(everything(error));
        // The chain is still there for the logs, scrubbed.
        const cause = error.cause as Error & { code?: string };
        expect(cause).toBeInstanceOf(Error);
        expect(cause.name).toBe('TypeError');
        expect((cause.cause as Error).message).toBe('all attempts failed for [redacted]');
        expect(((cause.cause as Error).cause as Error & { code?: string }).code).toBe('E_LEAK');
      }
      expectNoKey(inspect(errors, { depth: 30 }));
    });

    it("given Meld's error answer echoes the key, should scrub it from the message and displayMessage", async () => {
      meld.script({ path: '/bank-linking/connections/c1', status: 401, body: { code: 'UNAUTHORIZED', message: `Bad key BASIC ${KEY}`, displayMessage: `key ${KEY}` } });
      const error = await rejection(createMeldClient({ apiKey: KEY, baseUrl: meld.url }).getConnection('c1'));
      expect(error.message).toContain('Bad key BASIC [redacted]');
      expectNoKey(`${everything(error)} ${error.displayMessage ?? ''}`);
    });

    it('given a timeout, should keep the key out of the error and its cause', async () => {
      meld.script({ path: '/bank-linking/connections/c1', hang: true });
      const error = await rejection(createMeldClient({ apiKey: KEY, baseUrl: meld.url, timeoutMs: 50, retries: 0 }).getConnection('c1'));
      expect(error.kind).toBe('timeout');
      expectNoKey(everything(error));
    });
  });
});
