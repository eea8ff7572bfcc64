import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHostClient, HostApiError, type HostApi } from '../../src/core/index.js';
import {
  createMeldClient,
  createMemoryEventBus,
  createReconnectHandler,
  type ReconnectErrorContext,
  type ReconnectHandlerOptions,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';
import { serve, type Served } from './helpers/serve.js';

const BASE = '/api/meld';
let meld: FakeMeld;
let served: Served;
let errors: Array<{ error: unknown; context: ReconnectErrorContext }>;
let options: Partial<ReconnectHandlerOptions>;

/** The handler under test; rebuilt per test from `options`. */
let current: (request: Request) => Promise<Response>;

function build(overrides: Partial<ReconnectHandlerOptions> = {}) {
  options = overrides;
  current = createReconnectHandler({
    meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, timeoutMs: 300, retries: 0 }),
    authorize: (request) => {
      const user = request.headers.get('x-user');
      return user ? { externalCustomerId: user } : null;
    },
    basePath: BASE,
    bus: createMemoryEventBus(),
    onError: (error, context) => errors.push({ error, context }),
    ...options,
  });
}

/** The kit's own browser client, signed in as `user`. */
function kit(user?: string): HostApi {
  return createHostClient({ baseUrl: `${served.url}${BASE}`, headers: user ? { 'x-user': user } : {} });
}

/** A request as the kit's client sends it: a change says content-type: application/json, with a body or without. */
async function call(method: string, path: string, user?: string, body?: unknown) {
  const response = await fetch(`${served.url}${path}`, {
    method,
    headers: { ...(user ? { 'x-user': user } : {}), ...(body === undefined && method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

async function failure(promise: Promise<unknown>): Promise<HostApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostApiError);
  return error as HostApiError;
}

beforeAll(async () => {
  meld = await startFakeMeld();
  served = await serve((request) => current(request));
});
afterAll(async () => {
  await served.close();
  await meld.close();
});
beforeEach(() => {
  meld.reset();
  errors = [];
  meld.add(
    meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
    meldConnection('a2', 'alice'),
    meldConnection('b1', 'bob', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
    meldConnection('orphan', 'x', { externalCustomerId: undefined }),
  );
  build();
});

describe('createReconnectHandler: the host endpoint contract, as the kit calls it', () => {
  it("given a signed-in customer, should list only that customer's connections", async () => {
    const list = await kit('alice').listConnections();
    expect(list.map((c) => c.id)).toEqual(['a1', 'a2']);
    expect(meld.requests[0]!.query.get('externalCustomerId')).toBe('alice');
  });

  it('given Meld ignored the customer filter, should still leave other customers out', async () => {
    meld.script({ method: 'GET', path: '/bank-linking/connections', status: 200, body: { count: 2, remaining: 0, connections: [meldConnection('a1', 'alice'), meldConnection('b1', 'bob')] } });
    expect((await kit('alice').listConnections()).map((c) => c.id)).toEqual(['a1']);
  });

  it('given a DELETED connection at Meld, should leave it out of the list but still answer it by id (includeDeleted lists it)', async () => {
    meld.add(meldConnection('a3', 'alice', { status: 'DELETED', statusReason: null }));
    expect((await kit('alice').listConnections()).map((c) => c.id)).toEqual(['a1', 'a2']);
    await expect(kit('alice').getConnection('a3')).resolves.toMatchObject({ id: 'a3', status: 'DELETED' });
    build({ includeDeleted: true });
    expect((await kit('alice').listConnections()).map((c) => c.id)).toEqual(['a1', 'a2', 'a3']);
  });

  it('given more than one page at Meld, should list every page', async () => {
    for (let i = 0; i < 120; i += 1) meld.add(meldConnection(`p${i}`, 'paula'));
    expect(await kit('paula').listConnections()).toHaveLength(120);
  });

  it('should answer a connection, a repair session, refresh, update and delete in the shapes the kit checks', async () => {
    const api = kit('alice');
    await expect(api.getConnection('a1')).resolves.toMatchObject({ id: 'a1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'First Test Bank' });
    await expect(api.repairConnection('a1')).resolves.toEqual({
      connectionId: 'a1',
      connectToken: expect.stringMatching(/^ct_/),
      widgetUrl: expect.stringMatching(/^https:\/\/institution-connect-sb\.meld\.io\/\?connectToken=/),
      institutionId: 'inst_1',
    });
    await expect(api.refreshConnection('a2')).resolves.toEqual({ requestId: expect.stringMatching(/^req_refresh/) });
    await expect(api.updateConnectionProducts('a2', ['INVESTMENT_HOLDINGS'])).resolves.toEqual({ requestId: expect.stringMatching(/^req_update/) });
    await expect(api.deleteConnection('a2')).resolves.toBeUndefined();
    expect(meld.mutations().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /bank-linking/connect/repair',
      'POST /bank-linking/connections/a2/refresh',
      'POST /bank-linking/connections/a2/update',
      'DELETE /bank-linking/connections/a2',
    ]);
    expect(meld.requests.find((r) => r.path.endsWith('/update'))!.body).toEqual({ products: ['INVESTMENT_HOLDINGS'] });
  });

  it('should answer repair 200, refresh/update 202, delete 204, JSON never cached', async () => {
    expect((await call('POST', `${BASE}/connections/a1/repair`, 'alice')).status).toBe(200);
    const refresh = await call('POST', `${BASE}/connections/a2/refresh`, 'alice');
    expect(refresh.status).toBe(202);
    expect(refresh.headers.get('cache-control')).toBe('no-store');
    expect(refresh.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await call('POST', `${BASE}/connections/a2/update`, 'alice', { products: ['OWNERS'] })).status).toBe(202);
    const deleted = await call('DELETE', `${BASE}/connections/a2`, 'alice');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
  });

  it("should answer only what the browser uses: no Meld account, customer or provider internals, never the key", async () => {
    const one = await call('GET', `${BASE}/connections/a1`, 'alice');
    expect(Object.keys(one.json!).sort()).toEqual(
      ['activeDuplicateConnectionId', 'createdAt', 'duplicateConnectionIds', 'id', 'institutionId', 'institutionName', 'optionalProducts', 'products', 'regions', 'serviceProviderDetails', 'status', 'statusReason', 'successfullyAggregatedAt'].sort(),
    );
    expect(one.json!.serviceProviderDetails).toEqual({ serviceProvider: 'MX' });
    const texts = [one.text, (await call('GET', `${BASE}/connections`, 'alice')).text, (await call('POST', `${BASE}/connections/a1/repair`, 'alice')).text];
    for (const text of texts) {
      expect(text).not.toContain('acct_host_1');
      expect(text).not.toContain('cus_alice');
      expect(text).not.toContain('provider-secret');
      expect(text).not.toContain(FAKE_KEY);
    }
  });
});

describe('createReconnectHandler: ownership (IDOR)', () => {
  const routes: Array<{ name: string; method: string; path: (id: string) => string; body?: unknown }> = [
    { name: 'get', method: 'GET', path: (id) => `${BASE}/connections/${id}` },
    { name: 'repair', method: 'POST', path: (id) => `${BASE}/connections/${id}/repair` },
    { name: 'refresh', method: 'POST', path: (id) => `${BASE}/connections/${id}/refresh` },
    { name: 'update', method: 'POST', path: (id) => `${BASE}/connections/${id}/update`, body: { products: ['OWNERS'] } },
    { name: 'delete', method: 'DELETE', path: (id) => `${BASE}/connections/${id}` },
  ];

  for (const route of routes) {
    describe(`${route.method} ${route.path(':id')}`, () => {
      it("given another customer's connection id, should answer 404 exactly as for an unknown id, and never call Meld's mutation", async () => {
        const theirs = await call(route.method, route.path('b1'), 'alice', route.body);
        const unknown = await call(route.method, route.path('does-not-exist'), 'alice', route.body);
        expect(theirs.status).toBe(404);
        expect(unknown.status).toBe(404);
        expect(theirs.json).toEqual({ code: 'CONNECTION_NOT_FOUND', message: 'No such connection.' });
        expect(unknown.json).toEqual(theirs.json);
        expect(theirs.text).not.toContain('bob');
        expect(meld.mutations()).toEqual([]);
        expect(meld.connections.get('b1')!.status).toBe('RECONNECT_REQUIRED');
      });

      it('given a connection Meld knows with no externalCustomerId, should answer 404', async () => {
        expect((await call(route.method, route.path('orphan'), 'x', route.body)).status).toBe(404);
        expect(meld.mutations()).toEqual([]);
      });

      it('given no identity, should answer 401 and not call Meld at all', async () => {
        const answer = await call(route.method, route.path('a1'), undefined, route.body);
        expect(answer.status).toBe(401);
        expect(answer.json).toMatchObject({ code: 'UNAUTHORIZED' });
        expect(meld.requests).toEqual([]);
      });

      it('given an id with path tricks (encoded slash, dot segments, oversized), should answer 404 and call no mutation', async () => {
        for (const id of ['b1%2Frepair', '..%2Fb1', 'a'.repeat(300), '%E0%A4%A']) {
          expect((await call(route.method, route.path(id), 'alice', route.body)).status).toBe(404);
        }
        expect(meld.mutations()).toEqual([]);
      });
    });
  }

  it('given no identity, the list and the events stream should answer 401', async () => {
    expect((await call('GET', `${BASE}/connections`)).status).toBe(401);
    expect((await call('GET', `${BASE}/events`)).status).toBe(401);
    expect(meld.requests).toEqual([]);
    expect((await failure(kit().listConnections())).kind).toBe('unauthorized');
  });

  it('given authorize returns something malformed, should answer 401 and report it', async () => {
    build({ authorize: () => ({ externalCustomerId: '' }) });
    expect((await call('GET', `${BASE}/connections`, 'alice')).status).toBe(401);
    build({ authorize: () => ({ id: 'alice' }) as never });
    expect((await call('GET', `${BASE}/connections`, 'alice')).status).toBe(401);
    expect(errors.map((e) => e.context.route)).toEqual(['authorize', 'authorize']);
  });

  it('given authorize throws (session store down), should answer 500 and report it', async () => {
    build({ authorize: () => Promise.reject(new Error('session store down')) });
    const answer = await call('GET', `${BASE}/connections`, 'alice');
    expect(answer.status).toBe(500);
    expect(answer.text).not.toContain('session store');
    expect(errors[0]!.context).toMatchObject({ route: 'authorize', status: 500 });
  });

  it('given the customer id only in the URL or body, should ignore it: only authorize decides', async () => {
    expect((await call('GET', `${BASE}/connections?externalCustomerId=bob`, 'alice')).json!.connections).toHaveLength(2);
    expect(meld.requests[0]!.query.get('externalCustomerId')).toBe('alice');
  });
});

describe('createReconnectHandler: Meld failures as the contract says', () => {
  it("given Meld's 409 on repair, should answer 409 with Meld's code and requestId but not Meld's message", async () => {
    meld.connections.set('a1', { ...meld.connections.get('a1')!, status: 'EXPIRED' });
    const error = await failure(kit('alice').repairConnection('a1'));
    expect(error).toMatchObject({ kind: 'conflict', status: 409, code: 'CONNECTION_NOT_REPAIRABLE', requestId: expect.stringMatching(/^req_/) });
    expect(error.message).not.toContain('Start a new connection instead');
  });

  it("given Meld's 409 on delete (already deleted), should answer 409", async () => {
    meld.connections.set('a2', { ...meld.connections.get('a2')!, status: 'DELETED' });
    expect((await failure(kit('alice').deleteConnection('a2'))).kind).toBe('conflict');
  });

  it("given Meld's 429 with Retry-After on refresh, should answer 429 with Retry-After", async () => {
    meld.script({ method: 'POST', path: /refresh$/, status: 429, body: { code: 'PROVIDER_RATE_LIMIT', message: 'MX: one per 3 h', displayMessage: 'Try again in a few hours.' }, headers: { 'retry-after': '10800' } });
    const error = await failure(kit('alice').refreshConnection('a2'));
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfter: 10800, code: 'PROVIDER_RATE_LIMIT', displayMessage: 'Try again in a few hours.' });
  });

  it("given Meld's 404 on the mutation itself (deleted meanwhile), should answer 404", async () => {
    meld.script({ method: 'POST', path: /refresh$/, status: 404, body: { code: 'CONNECTION_NOT_FOUND' } });
    expect((await failure(kit('alice').refreshConnection('a2'))).kind).toBe('not-found');
  });

  it('given Meld 5xx, should answer 502 with a safe message and report the error', async () => {
    meld.script({ method: 'POST', path: '/bank-linking/connect/repair', status: 500, body: { code: 'INTERNAL', message: 'NullPointerException at db-7.internal', requestId: 'req_500' } });
    const answer = await call('POST', `${BASE}/connections/a1/repair`, 'alice');
    expect(answer.status).toBe(502);
    expect(answer.json).toEqual({ code: 'MELD_UNAVAILABLE', message: expect.any(String), requestId: 'req_500' });
    expect(answer.text).not.toContain('NullPointer');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.context).toMatchObject({ route: 'repair', connectionId: 'a1', status: 502 });
  });

  it('given Meld does not answer in time, should answer 504', async () => {
    meld.script({ method: 'GET', path: '/bank-linking/connections/a1', hang: true });
    const error = await failure(kit('alice').getConnection('a1'));
    expect(error).toMatchObject({ kind: 'server', status: 504, code: 'MELD_TIMEOUT' });
  });

  it('given Meld refuses our key, should answer 502 (not 401: the customer is signed in)', async () => {
    build({ meld: createMeldClient({ apiKey: 'sk_revoked_key', baseUrl: meld.url }) });
    const answer = await call('GET', `${BASE}/connections/a1`, 'alice');
    expect(answer.status).toBe(502);
    expect(answer.json).toMatchObject({ code: 'MELD_AUTH_FAILED' });
    expect(answer.text).not.toContain('sk_revoked_key');
  });

  it('given a repair answer without widgetUrl (2022 shape), should answer 502', async () => {
    meld.script({ method: 'POST', path: '/bank-linking/connect/repair', status: 201, body: { id: 'a1', connectToken: 'ct_old' } });
    expect((await call('POST', `${BASE}/connections/a1/repair`, 'alice')).json).toMatchObject({ code: 'MELD_BAD_RESPONSE' });
  });

  it("given Meld's 400 on update, should answer 400", async () => {
    meld.script({ method: 'POST', path: /update$/, status: 400, body: { code: 'INVALID_PRODUCTS' } });
    expect(await failure(kit('alice').updateConnectionProducts('a2', ['OWNERS']))).toMatchObject({ kind: 'bad-request', code: 'INVALID_PRODUCTS' });
  });
});

describe('createReconnectHandler: repair rate limit', () => {
  it('given repairs beyond the limit, should answer 429 with Retry-After and not ask Meld for more tokens', async () => {
    build({ repairRateLimit: { limit: 3, windowMs: 60_000 } });
    const api = kit('alice');
    for (let i = 0; i < 3; i += 1) await api.repairConnection('a1');
    const error = await failure(api.repairConnection('a1'));
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, code: 'RATE_LIMITED' });
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.retryAfter).toBeLessThanOrEqual(60);
    expect(meld.mutations()).toHaveLength(3);
    // Another connection has its own budget.
    meld.add(meldConnection('a3', 'alice', { status: 'RECONNECT_REQUIRED' }));
    await expect(api.repairConnection('a3')).resolves.toMatchObject({ connectionId: 'a3' });
  });

  it('given the default, should allow 5 repairs per connection', async () => {
    const api = kit('alice');
    for (let i = 0; i < 5; i += 1) await api.repairConnection('a1');
    expect((await failure(api.repairConnection('a1'))).kind).toBe('rate-limited');
  });

  it('given repairRateLimit: false or a custom limiter, should use it', async () => {
    build({ repairRateLimit: false });
    for (let i = 0; i < 8; i += 1) await kit('alice').repairConnection('a1');
    const keys: string[][] = [];
    build({ repairRateLimit: { take: (key, customer) => (keys.push([key, customer]), { allowed: false, retryAfterSeconds: 7 }) } });
    expect(await failure(kit('alice').repairConnection('a1'))).toMatchObject({ kind: 'rate-limited', retryAfter: 7 });
    expect(keys).toEqual([['a1', 'alice']]);
  });
});

describe('createReconnectHandler: a basePath mistake', () => {
  const signedIn = (path: string) => new Request(`http://localhost${path}`, { headers: { 'x-user': 'alice' } });
  const body = async (answer: Response) => ({ status: answer.status, json: (await answer.json()) as { code: string; message: string } });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("given basePath '' and the full path (Express' app.use('/api/meld') through toNodeHandler), should say in development which path arrived and which basePath fits", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    build({ basePath: '' });
    const answer = await body(await current(signedIn('/api/meld/connections')));
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe('NOT_FOUND');
    expect(answer.json.message).toContain("GET /api/meld/connections arrived, but basePath is ''");
    expect(answer.json.message).toContain("set basePath: '/api/meld'");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain("GET /api/meld/connections arrived, but basePath is ''");
    // Once per mistake, not per request.
    await current(signedIn('/api/meld/connections/a1'));
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('given a router that stripped its mount path before the handler, should name what is missing and the basePath that fits', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    build({ basePath: '/api/meld' });
    const answer = await body(await current(signedIn('/connections/a1/repair')));
    expect(answer.status).toBe(404);
    expect(answer.json.message).toContain("GET /connections/a1/repair arrived, but basePath is '/api/meld'");
    expect(answer.json.message).toContain("removed '/api/meld' from the path");
    expect(answer.json.message).toContain("set basePath: ''");
  });

  it('given a path that names no route of the contract, should list the routes under basePath', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    build({ basePath: '/api/meld' });
    const answer = await body(await current(signedIn('/api/meld/connectionz')));
    expect(answer.json.message).toContain("GET /api/meld/connectionz arrived, but basePath is '/api/meld': no route of the contract matches");
  });

  it('given the contract under another prefix than basePath, should name that prefix', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    build({ basePath: '/api/meld' });
    const answer = await body(await current(signedIn('/other/connections')));
    expect(answer.json.message).toContain("GET /other/connections arrived, but basePath is '/api/meld'. The contract is mounted at '/other': set basePath: '/other'");
  });

  it('given production, should answer the plain 404 and log nothing', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    build({ basePath: '' });
    expect(await body(await current(signedIn('/v2/meld/connections')))).toEqual({ status: 404, json: { code: 'NOT_FOUND', message: 'No such route.' } });
    build({ basePath: '/api/meld' });
    expect(await body(await current(signedIn('/events')))).toEqual({ status: 404, json: { code: 'NOT_FOUND', message: 'No such route.' } });
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('createReconnectHandler: routing and input', () => {
  it('given a path outside basePath or an unknown route, should answer 404', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}); // development explains each (see "a basePath mistake")
    expect((await call('GET', '/other/connections', 'alice')).status).toBe(404);
    expect((await call('GET', `${BASE}/nope`, 'alice')).json).toMatchObject({ code: 'NOT_FOUND' });
    expect((await call('GET', `${BASE}/connections/a1/unknown`, 'alice')).status).toBe(404);
    warn.mockRestore();
  });

  it('given a method a route does not take, should answer 405 with Allow', async () => {
    const answer = await call('PUT', `${BASE}/connections/a1`, 'alice');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, DELETE');
    expect((await call('GET', `${BASE}/connections/a1/repair`, 'alice')).status).toBe(405);
    expect((await call('POST', `${BASE}/connections`, 'alice')).status).toBe(405);
  });

  it("given a bad update body, should answer 400 without calling Meld's mutation (only the ownership lookup, which comes first)", async () => {
    for (const body of ['not json', { products: [] }, { products: ['lower'] }, { products: 'OWNERS' }, {}]) {
      const answer = await call('POST', `${BASE}/connections/a2/update`, 'alice', body);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(meld.mutations()).toEqual([]);
    expect(meld.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array(5).fill('GET /bank-linking/connections/a2'));
  });

  it("given basePath '' or a trailing slash, should route the same", async () => {
    build({ basePath: '' });
    expect((await call('GET', '/connections', 'alice')).status).toBe(200);
    build({ basePath: '/api/meld/' });
    expect((await call('GET', `${BASE}/connections/`, 'alice')).status).toBe(200);
  });
});

describe("createReconnectHandler: the bank's message, read from serviceProviderDetails", () => {
  const plaid = (display: string | null) => ({
    serviceProvider: 'PLAID',
    serviceProviderConnectionId: 'item_1',
    error: { error_type: 'ITEM_ERROR', error_code: 'USER_SETUP_REQUIRED', error_message: 'developer text: flag 7', display_message: display },
  });

  it("given DEGRADED + INSTITUTION_ACTION_REQUIRED with Plaid's display_message, should answer it as institutionMessage in get and list, and nothing else of the provider", async () => {
    meld.connections.set('a1', { ...meld.connections.get('a1')!, status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', serviceProviderDetails: plaid('Approve access in\u0000 the Lakeside app.') });
    const one = await kit('alice').getConnection('a1');
    expect(one).toMatchObject({ institutionMessage: 'Approve access in the Lakeside app.', serviceProviderDetails: { serviceProvider: 'PLAID' } });
    expect(JSON.stringify(one)).not.toMatch(/flag 7|item_1|USER_SETUP/);
    expect((await kit('alice').listConnections()).find((c) => c.id === 'a1')).toMatchObject({ institutionMessage: 'Approve access in the Lakeside app.' });
  });

  it('given no message (none, null, another shape, another status), should send none: the browser shows its own words', async () => {
    meld.connections.set('a1', { ...meld.connections.get('a1')!, status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', serviceProviderDetails: plaid(null) });
    meld.connections.set('a2', { ...meld.connections.get('a2')!, status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', serviceProviderDetails: plaid('Sign in again.') });
    for (const id of ['a1', 'a2']) expect(await kit('alice').getConnection(id)).not.toHaveProperty('institutionMessage');
  });

  it('given an institutionMessage reader, should use it; false sends none', async () => {
    meld.connections.set('a1', { ...meld.connections.get('a1')!, status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', serviceProviderDetails: { serviceProvider: 'AKOYA', note: 'Visit your branch.' } });
    build({ institutionMessage: (source) => (typeof source.serviceProviderDetails?.note === 'string' ? source.serviceProviderDetails.note : undefined) });
    expect(await kit('alice').getConnection('a1')).toMatchObject({ institutionMessage: 'Visit your branch.' });
    meld.connections.set('a1', { ...meld.connections.get('a1')!, serviceProviderDetails: plaid('Approve it.') });
    build({ institutionMessage: false });
    expect(await kit('alice').getConnection('a1')).not.toHaveProperty('institutionMessage');
  });
});

describe('createReconnectHandler: enrichConnection', () => {
  it('given an institution message, should add it as plain text; a bad one is left out', async () => {
    meld.connections.set('a1', { ...meld.connections.get('a1')!, status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED' });
    build({ enrichConnection: (c) => (c.id === 'a1' ? { institutionMessage: '  Approve access\u0007 in your bank app.  ' } : { institutionMessage: 'x'.repeat(5000) }) });
    expect(await kit('alice').getConnection('a1')).toMatchObject({ institutionMessage: 'Approve access in your bank app.' });
    expect(await kit('alice').getConnection('a2')).not.toHaveProperty('institutionMessage');
  });

  it('given enrichConnection throws, should answer without it and report', async () => {
    build({ enrichConnection: () => Promise.reject(new Error('db down')) });
    expect((await kit('alice').getConnection('a1')).id).toBe('a1');
    expect(errors[0]!.context.route).toBe('get');
  });
});

describe('createReconnectHandler: construction', () => {
  const meldClient = () => createMeldClient({ apiKey: 'k' });
  it('given no authorize, should throw an error that names the fix', () => {
    expect(() => createReconnectHandler({ meld: meldClient(), basePath: BASE } as never)).toThrow(/needs \{ authorize \}.*externalCustomerId/);
  });
  it('given no basePath or a relative one, should throw an error that names the fix', () => {
    expect(() => createReconnectHandler({ meld: meldClient(), authorize: () => null } as never)).toThrow(/basePath: '\/api\/meld'/);
    expect(() => createReconnectHandler({ meld: meldClient(), authorize: () => null, basePath: 'api' })).toThrow(/basePath/);
  });
  it('given no meld client, should throw an error that names the fix', () => {
    expect(() => createReconnectHandler({ authorize: () => null, basePath: BASE } as never)).toThrow(/createMeldClient/);
  });
});
