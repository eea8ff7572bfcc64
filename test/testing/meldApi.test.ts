// The simulated Meld API: every route and status code of MELD.md §2, in
// Meld's shapes, behind `Authorization: BASIC <key>` and `Meld-Version`, and
// the kit's own createMeldClient against it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STATUS_TABLE, validateWidgetUrl } from '../../src/core/index.js';
import { createMeldClient, MeldApiError, verifyMeldWebhook } from '../../src/server/index.js';
import { createMeldSimulator, type MeldSimulator } from '../../src/testing/index.js';
import { meldCall, startReceiver, until, type WebhookReceiver } from './helpers.js';

let sim: MeldSimulator;
let receiver: WebhookReceiver;

const SEEDS = [
  { id: 'conn_login', externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'Harbor Credit Union' },
  { id: 'conn_ok', externalCustomerId: 'user_1', status: 'ACTIVE', statusReason: null },
  { id: 'conn_expired', externalCustomerId: 'user_1', status: 'EXPIRED', statusReason: null },
  { id: 'conn_other', externalCustomerId: 'user_2', status: 'DEGRADED', statusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' },
];

function client(extra: Parameters<typeof createMeldClient>[0] extends infer O ? Partial<O> : never = {}) {
  return createMeldClient({ apiKey: sim.apiKey, baseUrl: sim.url, retries: 0, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<MeldApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeldApiError);
  return error as MeldApiError;
}

function expectEnvelope(json: Record<string, unknown>, code?: string) {
  expect(json).toEqual({ code: code ?? expect.any(String), message: expect.any(String), requestId: expect.any(String), timestamp: expect.any(String) });
  expect(Number.isNaN(Date.parse(json.timestamp as string))).toBe(false);
}

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await createMeldSimulator({ connections: SEEDS, webhookUrl: receiver.url });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(() => {
  sim.reset();
  receiver.received.length = 0;
});

describe('authentication and version headers', () => {
  it('given no Authorization header, should answer 401 in Meld\'s error envelope', async () => {
    const answer = await meldCall(sim, 'GET', '/bank-linking/connections/conn_login', undefined, { 'meld-version': '2026-02-03' });
    expect(answer.status).toBe(401);
    expectEnvelope(answer.json, 'UNAUTHORIZED');
  });

  it.each([
    ['a wrong key', 'BASIC not_the_key'],
    ['a Bearer token', `Bearer ${'sim_api_key'}`],
    ['base64 user:pass', `BASIC ${Buffer.from('sim_api_key:').toString('base64')}`],
    ['the key with extra words', 'BASIC sim_api_key extra'],
  ])('given %s, should answer 401', async (_, authorization) => {
    const answer = await meldCall(sim, 'GET', '/bank-linking/connections', undefined, { authorization, 'meld-version': '2026-02-03' });
    expect(answer.status).toBe(401);
    expectEnvelope(answer.json, 'UNAUTHORIZED');
  });

  it('given the scheme in another case, should accept it (the key itself is exact)', async () => {
    const answer = await meldCall(sim, 'GET', '/bank-linking/connections/conn_ok', undefined, { authorization: `Basic ${sim.apiKey}`, 'meld-version': '2026-02-03' });
    expect(answer.status).toBe(200);
  });

  it('given no Meld-Version (or a malformed one), should answer 400 naming the header', async () => {
    for (const headers of [{ authorization: `BASIC ${sim.apiKey}` }, { authorization: `BASIC ${sim.apiKey}`, 'meld-version': 'latest' }]) {
      const answer = await meldCall(sim, 'GET', '/bank-linking/connections', undefined, headers);
      expect(answer.status).toBe(400);
      expectEnvelope(answer.json, 'INVALID_MELD_VERSION');
      expect(answer.json.message).toContain('Meld-Version');
    }
  });

  it('should record every request with the key redacted, whether authorized or not', async () => {
    await meldCall(sim, 'GET', '/bank-linking/connections?externalCustomerId=user_1&limit=5');
    await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId: 'conn_login' }, { authorization: 'BASIC wrong', 'meld-version': '2026-02-03' });
    const [list, repair] = sim.requests();
    expect(list).toMatchObject({
      method: 'GET',
      path: '/bank-linking/connections',
      query: { externalCustomerId: 'user_1', limit: '5' },
      status: 200,
      authorized: true,
      headers: { authorization: 'BASIC [redacted]', 'meld-version': '2026-02-03' },
    });
    expect(repair).toMatchObject({ method: 'POST', path: '/bank-linking/connect/repair', body: { connectionId: 'conn_login' }, status: 401, authorized: false });
    expect(JSON.stringify(sim.requests())).not.toContain(sim.apiKey);
    expect(JSON.stringify(sim.requests())).not.toContain('wrong');
  });

  it('given a browser-style request with an Origin, should send no CORS headers on Meld routes (the key never belongs in a browser)', async () => {
    for (const method of ['GET', 'OPTIONS']) {
      const response = await fetch(`${sim.url}/bank-linking/connections`, {
        method,
        headers: { origin: 'http://localhost:3000', authorization: `BASIC ${sim.apiKey}`, 'meld-version': '2026-02-03' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('GET /bank-linking/connections', () => {
  it('should filter by externalCustomerId and statuses (comma-separated)', async () => {
    const mine = await meldCall(sim, 'GET', '/bank-linking/connections?externalCustomerId=user_1');
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ count: 3, remaining: 0 });
    expect((mine.json.connections as Array<{ id: string }>).map((c) => c.id)).toEqual(['conn_login', 'conn_ok', 'conn_expired']);
    const broken = await meldCall(sim, 'GET', '/bank-linking/connections?statuses=RECONNECT_REQUIRED,DEGRADED');
    expect((broken.json.connections as Array<{ id: string }>).map((c) => c.id)).toEqual(['conn_login', 'conn_other']);
  });

  it('should page with limit and the after cursor (the last id of the previous page)', async () => {
    const first = await meldCall(sim, 'GET', '/bank-linking/connections?limit=3');
    expect(first.json).toMatchObject({ count: 3, remaining: 1 });
    const second = await meldCall(sim, 'GET', '/bank-linking/connections?limit=3&after=conn_expired');
    expect(second.json).toMatchObject({ count: 1, remaining: 0 });
    expect((second.json.connections as Array<{ id: string }>)[0]!.id).toBe('conn_other');
  });

  it.each(['0', '101', '2.5', 'ten'])('given limit=%s, should answer 400', async (limit) => {
    const answer = await meldCall(sim, 'GET', `/bank-linking/connections?limit=${limit}`);
    expect(answer.status).toBe(400);
    expectEnvelope(answer.json, 'INVALID_REQUEST');
  });

  it('given an after cursor that is no connection, should answer 400', async () => {
    expect((await meldCall(sim, 'GET', '/bank-linking/connections?after=nope')).status).toBe(400);
  });

  it('given 230 connections, should let createMeldClient follow every page', async () => {
    sim.reset(Array.from({ length: 230 }, (_, i) => ({ id: `conn_${String(i).padStart(3, '0')}`, externalCustomerId: 'many' })));
    const all = await client().listAllConnections({ externalCustomerId: 'many' });
    expect(all).toHaveLength(230);
    expect(new Set(all.map((c) => c.id)).size).toBe(230);
    expect(sim.requests().filter((r) => r.path === '/bank-linking/connections').map((r) => r.query.limit)).toEqual(['100', '100', '100']);
  });
});

describe('GET /bank-linking/connections/{id}', () => {
  it("should answer Meld's flat Connection shape", async () => {
    const connection = await client().getConnection('conn_login');
    expect(connection).toEqual({
      id: 'conn_login',
      accountId: 'sim_account',
      customerId: expect.stringMatching(/^cus_/),
      externalCustomerId: 'user_1',
      institutionId: 'ins_harbor_credit_union',
      institutionName: 'Harbor Credit Union',
      status: 'RECONNECT_REQUIRED',
      statusReason: 'LOGIN_REQUIRED',
      products: ['BALANCES', 'TRANSACTIONS'],
      optionalProducts: [],
      regions: ['US'],
      serviceProviderDetails: { serviceProvider: 'SIMULATOR' },
      createdAt: expect.any(String),
      successfullyAggregatedAt: expect.any(String),
      duplicateConnectionIds: null,
      activeDuplicateConnectionId: null,
    });
    // One customer, one Meld customer id.
    expect((await client().getConnection('conn_ok')).customerId).toBe(connection.customerId);
  });

  it('given an unknown id, should answer 404', async () => {
    const answer = await meldCall(sim, 'GET', '/bank-linking/connections/conn_nope');
    expect(answer.status).toBe(404);
    expectEnvelope(answer.json, 'CONNECTION_NOT_FOUND');
    expect((await failure(client().getConnection('conn_nope'))).status).toBe(404);
  });

  it('given a one-time 500 (failNext), should let createMeldClient retry the GET and succeed', async () => {
    sim.failNext('get', { connectionId: 'conn_ok', status: 500 });
    const connection = await client({ retries: 1, retryDelayMs: 1 }).getConnection('conn_ok');
    expect(connection.id).toBe('conn_ok');
    expect(sim.requests().map((r) => r.status)).toEqual([500, 200]);
  });
});

describe('POST /bank-linking/connect/repair', () => {
  it('should answer 201 { id, connectToken, institutionId, widgetUrl } with the widget on its own origin', async () => {
    const session = await client().repairConnection('conn_login');
    expect(session).toEqual({ id: 'conn_login', connectToken: expect.stringMatching(/^ct_/), institutionId: 'ins_harbor_credit_union', widgetUrl: expect.any(String) });
    expect(session.widgetUrl).toBe(`${sim.widgetOrigin}/widget?token=${session.connectToken}`);
    expect(new URL(session.widgetUrl!).origin).not.toBe(new URL(sim.url).origin);
    // What a host passes to the kit's widget allowedHosts.
    expect(() => validateWidgetUrl(session.widgetUrl, { allowedHosts: [new URL(sim.widgetOrigin).host] })).not.toThrow();
    expect(() => validateWidgetUrl(session.widgetUrl)).toThrow();
    expect((await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId: 'conn_login' })).status).toBe(201);
  });

  it('given an unknown id, should answer 404; without connectionId, 400', async () => {
    expect((await failure(client().repairConnection('conn_nope'))).status).toBe(404);
    const answer = await meldCall(sim, 'POST', '/bank-linking/connect/repair', {});
    expect(answer.status).toBe(400);
    expectEnvelope(answer.json, 'INVALID_REQUEST');
  });

  it.each(['EXPIRED', 'DELETED', 'IN_PROGRESS'])('given a connection in %s, should answer 409 (start a new connection instead)', async (status) => {
    sim.addConnection({ id: 'conn_x', externalCustomerId: 'user_1', status });
    const answer = await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId: 'conn_x' });
    expect(answer.status).toBe(409);
    expectEnvelope(answer.json, 'CONNECTION_NOT_REPAIRABLE');
  });

  it('given every other row of the status table, should open a session', async () => {
    const rows = STATUS_TABLE.filter((row) => !['EXPIRED', 'DELETED', 'IN_PROGRESS'].includes(row.status));
    expect(rows).toHaveLength(20);
    for (const [i, row] of rows.entries()) {
      sim.addConnection({ id: `conn_row_${i}`, externalCustomerId: 'user_1', status: row.status, statusReason: row.reason });
      expect((await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId: `conn_row_${i}` })).status, `${row.status}/${row.reason}`).toBe(201);
    }
  });
});

describe('POST /bank-linking/connect/start', () => {
  it('should answer 201 { id, connectToken, customerId, externalCustomerId, widgetUrl } and create an IN_PROGRESS connection', async () => {
    const session = await client().startConnection({ externalCustomerId: 'user_9', products: ['BALANCES', 'INVESTMENT_HOLDINGS'] });
    expect(session).toEqual({
      id: expect.any(String),
      connectToken: expect.stringMatching(/^ct_/),
      customerId: expect.stringMatching(/^cus_/),
      externalCustomerId: 'user_9',
      widgetUrl: `${sim.widgetOrigin}/widget?token=${session.connectToken}`,
    });
    expect(sim.getConnection(session.id)).toMatchObject({ status: 'IN_PROGRESS', statusReason: null, externalCustomerId: 'user_9', products: ['BALANCES', 'INVESTMENT_HOLDINGS'], successfullyAggregatedAt: null });
    expect(sim.getConnection(session.id)?.institutionId).toBeUndefined();
  });

  it('given no externalCustomerId or an unknown product, should answer 400', async () => {
    expect((await meldCall(sim, 'POST', '/bank-linking/connect/start', {})).status).toBe(400);
    const answer = await meldCall(sim, 'POST', '/bank-linking/connect/start', { externalCustomerId: 'u', products: ['TRANSACTION'] });
    expect(answer.status).toBe(400);
    expectEnvelope(answer.json, 'INVALID_PRODUCTS');
  });
});

describe('POST /bank-linking/connections/{id}/refresh', () => {
  it('given each row of the status table, should answer 202 only where Meld refreshes (seed 002), else 409', async () => {
    const refreshable = new Set(['ACTIVE', 'PARTIALLY_ACTIVE', 'DEGRADED', 'UNDETERMINED']);
    for (const [i, row] of STATUS_TABLE.entries()) {
      sim.addConnection({ id: `conn_r${i}`, externalCustomerId: 'user_1', status: row.status, statusReason: row.reason });
      const answer = await meldCall(sim, 'POST', `/bank-linking/connections/conn_r${i}/refresh`, {});
      const label = `${row.status}/${row.reason}`;
      if (refreshable.has(row.status)) {
        expect(answer.status, label).toBe(202);
        expect(answer.json, label).toEqual({ requestId: expect.any(String) });
      } else {
        expect(answer.status, label).toBe(409);
        expectEnvelope(answer.json, 'CONNECTION_NOT_REFRESHABLE');
      }
    }
  });

  it('given failNextRefresh, should answer 429 with Retry-After once, then 202', async () => {
    sim.failNextRefresh('conn_ok');
    const error = await failure(client().refreshConnection('conn_ok'));
    expect(error).toMatchObject({ status: 429, retryAfter: 10_800 });
    expect((await client().refreshConnection('conn_ok')).requestId).toEqual(expect.any(String));
  });

  it.each([409, 500] as const)('given failNextRefresh(%s), should answer it once', async (status) => {
    sim.failNextRefresh('conn_ok', status);
    expect((await failure(client().refreshConnection('conn_ok'))).status).toBe(status);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/refresh', {})).status).toBe(202);
  });

  it('given an unknown id, should answer 404', async () => {
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_nope/refresh', {})).status).toBe(404);
  });

  it('given PARTIALLY_ACTIVE + INACTIVE_DUPLICATE, should promote it to ACTIVE and send STATUS_CHANGE', async () => {
    sim.addConnection({ id: 'conn_dup', externalCustomerId: 'user_1', status: 'PARTIALLY_ACTIVE', statusReason: 'INACTIVE_DUPLICATE' });
    await client().refreshConnection('conn_dup');
    await receiver.waitFor(1);
    expect(sim.getConnection('conn_dup')).toMatchObject({ status: 'ACTIVE', statusReason: null });
    expect(receiver.received[0]!.json.payload).toMatchObject({ connectionId: 'conn_dup', oldStatusReason: 'INACTIVE_DUPLICATE', newStatus: 'ACTIVE' });
  });

  it('given scriptRefresh, should change the status after the 202 and send the webhook', async () => {
    sim.addConnection({ id: 'conn_bank', externalCustomerId: 'user_1', status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED' });
    sim.scriptRefresh('conn_bank', { status: 'ACTIVE', statusReason: null, delayMs: 30 });
    await client().refreshConnection('conn_bank');
    expect(sim.getConnection('conn_bank')?.status).toBe('DEGRADED');
    await receiver.waitFor(1);
    expect(sim.getConnection('conn_bank')?.status).toBe('ACTIVE');
    // Used once.
    await client().refreshConnection('conn_bank');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(receiver.received).toHaveLength(1);
  });
});

describe('POST /bank-linking/connections/{id}/update', () => {
  it('should answer 202 and add the products as optionalProducts', async () => {
    expect((await client().updateConnectionProducts('conn_ok', ['INVESTMENT_HOLDINGS', 'BALANCES'])).requestId).toEqual(expect.any(String));
    expect(sim.getConnection('conn_ok')?.optionalProducts).toEqual(['INVESTMENT_HOLDINGS']);
  });

  it('given no products or an unknown one, should answer 400; an unknown id, 404; a deleted connection, 409', async () => {
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/update', {})).status).toBe(400);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/update', { products: ['CRYPTO'] })).status).toBe(400);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_nope/update', { products: ['BALANCES'] })).status).toBe(404);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_expired/update', { products: ['BALANCES'] })).status).toBe(409);
  });
});

describe('DELETE /bank-linking/connections/{id}', () => {
  it('should answer 204, mark it DELETED, send a signed CONNECTION_DELETED, and answer 409 the second time', async () => {
    await client().deleteConnection('conn_ok');
    expect(sim.getConnection('conn_ok')).toMatchObject({ status: 'DELETED', statusReason: null });
    await receiver.waitFor(1);
    const [webhook] = receiver.received;
    expect(webhook!.json.eventType).toBe('BANK_LINKING_CONNECTION_DELETED');
    expect(webhook!.json.payload).toMatchObject({ connectionId: 'conn_ok', externalCustomerId: 'user_1', customerId: expect.any(String) });
    expect(await verifyMeldWebhook({ secret: sim.webhookSecret, url: receiver.url, rawBody: webhook!.rawBody, headers: webhook!.headers })).toBe(true);
    const again = await meldCall(sim, 'DELETE', '/bank-linking/connections/conn_ok');
    expect(again.status).toBe(409);
    expectEnvelope(again.json, 'CONNECTION_ALREADY_DELETED');
    expect((await meldCall(sim, 'DELETE', '/bank-linking/connections/conn_nope')).status).toBe(404);
  });
});

describe('other requests', () => {
  it('should answer 405 for a wrong method, 404 for an unknown route and 400 for a body that is not JSON', async () => {
    expect((await meldCall(sim, 'POST', '/bank-linking/connections')).status).toBe(405);
    expect((await meldCall(sim, 'PUT', '/bank-linking/connections/conn_ok')).status).toBe(405);
    expect((await meldCall(sim, 'GET', '/bank-linking/connect/repair')).status).toBe(405);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections/conn_ok/refresh')).status).toBe(405);
    const unknown = await meldCall(sim, 'GET', '/payments/transactions');
    expect(unknown.status).toBe(404);
    expectEnvelope(unknown.json, 'NOT_FOUND');
    expect((await meldCall(sim, 'POST', '/bank-linking/connect/repair', '{not json')).status).toBe(400);
  });

  it('given failNext for any operation, should answer that status once in Meld\'s envelope', async () => {
    sim.failNext('repair', { connectionId: 'conn_login', status: 503 });
    sim.failNext('list', { status: 500, code: 'UPSTREAM_DOWN' });
    sim.failNext('start', { status: 429, retryAfterSeconds: 5 });
    const repair = await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId: 'conn_login' });
    expect(repair.status).toBe(503);
    expectEnvelope(repair.json);
    expectEnvelope((await meldCall(sim, 'GET', '/bank-linking/connections')).json, 'UPSTREAM_DOWN');
    const start = await meldCall(sim, 'POST', '/bank-linking/connect/start', { externalCustomerId: 'u' });
    expect([start.status, start.headers.get('retry-after')]).toEqual([429, '5']);
    expect((await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId: 'conn_login' })).status).toBe(201);
  });

  it('given GET / or /favicon.ico, should send a person to the control page and log nothing', async () => {
    const root = await fetch(sim.url, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/__sim/']);
    expect((await fetch(`${sim.url}/favicon.ico`)).status).toBe(204);
    await until(() => true);
    expect(sim.requests()).toEqual([]);
  });
});
