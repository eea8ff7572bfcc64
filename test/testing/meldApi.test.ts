// The simulated Meld API: every route and status code of MELD.md §2, in
// Meld's shapes, behind `Authorization: BASIC <key>` and `Meld-Version`, and
// the kit's own createMeldClient against it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STATUS_TABLE, validateWidgetUrl } from '../../src/core/index.js';
import { createMeldClient, verifyMeldWebhook } from '../../src/server/index.js';
import { createMeldSimulator, type MeldSimulator } from '../../src/testing/index.js';
import { meldCall, meldFailure, startReceiver, until, type WebhookReceiver } from './helpers.js';

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

  it("should page with limit and the after cursor: the last listed connection's key", async () => {
    const first = await meldCall(sim, 'GET', '/bank-linking/connections?limit=3');
    expect(first.json).toMatchObject({ count: 3, remaining: 1 });
    const listed = first.json.connections as Array<{ id: string; key: string }>;
    expect(listed.every((c) => typeof c.key === 'string' && c.key !== c.id)).toBe(true);
    const second = await meldCall(sim, 'GET', `/bank-linking/connections?limit=3&after=${listed[2]!.key}`);
    expect(second.json).toMatchObject({ count: 1, remaining: 0 });
    expect((second.json.connections as Array<{ id: string }>)[0]!.id).toBe('conn_other');
    // A connection read on its own has no key: the key is its position in a list.
    expect((await meldCall(sim, 'GET', '/bank-linking/connections/conn_ok')).json).not.toHaveProperty('key');
  });

  it('should page backwards with before: the connections just before the key, remaining counting what lies before them', async () => {
    const all = (await meldCall(sim, 'GET', '/bank-linking/connections')).json.connections as Array<{ id: string; key: string }>;
    const page = await meldCall(sim, 'GET', `/bank-linking/connections?limit=2&before=${all[3]!.key}`);
    expect(page.json).toMatchObject({ count: 2, remaining: 1 });
    expect((page.json.connections as Array<{ id: string }>).map((c) => c.id)).toEqual(['conn_ok', 'conn_expired']);
  });

  it('should default to 10 per page, as Meld does', async () => {
    sim.reset(Array.from({ length: 12 }, (_, i) => ({ id: `conn_${i}`, externalCustomerId: 'many' })));
    expect((await meldCall(sim, 'GET', '/bank-linking/connections')).json).toMatchObject({ count: 10, remaining: 2 });
  });

  it('given before and after together, or a malformed date, should answer 400', async () => {
    const all = (await meldCall(sim, 'GET', '/bank-linking/connections')).json.connections as Array<{ key: string }>;
    expect((await meldCall(sim, 'GET', `/bank-linking/connections?before=${all[2]!.key}&after=${all[0]!.key}`)).status).toBe(400);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections?startDate=2026-13-45')).status).toBe(400);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections?endDate=yesterday')).status).toBe(400);
  });

  it('should filter by customerId, institutionId (over institutionName), institutionName, serviceProviders and the creation dates', async () => {
    sim.reset([
      { id: 'a', externalCustomerId: 'u1', institutionName: 'Harbor Credit Union', createdAt: '2026-03-01T10:00:00Z' },
      { id: 'b', externalCustomerId: 'u1', institutionName: 'Northwind Savings', createdAt: '2026-03-02T23:59:59Z', serviceProviderDetails: { serviceProvider: 'MX' } },
      { id: 'c', externalCustomerId: 'u2', institutionName: 'Harbor Credit Union', createdAt: '2026-03-03T00:00:00Z' },
    ]);
    const ids = async (query: string) => ((await meldCall(sim, 'GET', `/bank-linking/connections?${query}`)).json.connections as Array<{ id: string }>).map((c) => c.id);
    const u1 = sim.getConnection('a')!.customerId!;
    expect(await ids(`customerId=${u1}`)).toEqual(['a', 'b']);
    expect(await ids('institutionId=ins_harbor_credit_union')).toEqual(['a', 'c']);
    expect(await ids('institutionName=northwind%20savings')).toEqual(['b']);
    expect(await ids('institutionId=ins_harbor_credit_union&institutionName=Northwind%20Savings')).toEqual(['a', 'c']);
    expect(await ids('serviceProviders=MX')).toEqual(['b']);
    expect(await ids('serviceProviders=PLAID,MX')).toEqual(['a', 'b', 'c']);
    expect(await ids('startDate=2026-03-02')).toEqual(['b', 'c']);
    expect(await ids('endDate=2026-03-02')).toEqual(['a', 'b']);
    expect(await ids('startDate=2026-03-02&endDate=2026-03-02')).toEqual(['b']);
  });

  it.each(['0', '101', '2.5', 'ten'])('given limit=%s, should answer 400', async (limit) => {
    const answer = await meldCall(sim, 'GET', `/bank-linking/connections?limit=${limit}`);
    expect(answer.status).toBe(400);
    expectEnvelope(answer.json, 'INVALID_REQUEST');
  });

  it("given a cursor that is no key (a connection's id, or anything else), should answer 400 as live Meld does", async () => {
    expect((await meldCall(sim, 'GET', '/bank-linking/connections?after=nope')).status).toBe(400);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections?after=conn_ok')).status).toBe(400);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections?before=conn_ok')).status).toBe(400);
  });

  it('given 230 connections, should let createMeldClient follow every page', async () => {
    sim.reset(Array.from({ length: 230 }, (_, i) => ({ id: `conn_${String(i).padStart(3, '0')}`, externalCustomerId: 'many' })));
    const all = await client().listAllConnections({ externalCustomerId: 'many' });
    expect(all).toHaveLength(230);
    expect(new Set(all.map((c) => c.id)).size).toBe(230);
    const lists = sim.requests().filter((r) => r.path === '/bank-linking/connections');
    expect(lists.map((r) => r.query.limit)).toEqual(['100', '100', '100']);
    expect(lists.map((r) => r.status)).toEqual([200, 200, 200]);
    // And back again from the last one, in list order.
    const backwards = await client().listAllConnections({ externalCustomerId: 'many', before: all.at(-1)!.key, pageSize: 50 });
    expect(backwards.map((c) => c.id)).toEqual(all.slice(0, 229).map((c) => c.id));
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
      products: ['TRANSACTIONS', 'IDENTIFIERS', 'BALANCES', 'OWNERS'],
      optionalProducts: [],
      regions: ['US'],
      // A Plaid connection, with Plaid's error object as in Meld's STATUS_CHANGE example.
      serviceProviderDetails: {
        serviceProvider: 'PLAID',
        serviceProviderConnectionId: expect.any(String),
        error: expect.objectContaining({ error_type: 'ITEM_ERROR', error_code: 'ITEM_LOGIN_REQUIRED', display_message: null }),
      },
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
    expect((await meldFailure(client().getConnection('conn_nope'))).status).toBe(404);
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
    expect(session.widgetUrl).toBe(`${sim.widgetOrigin}/?connectToken=${session.connectToken}`);
    expect(new URL(session.widgetUrl!).origin).not.toBe(new URL(sim.url).origin);
    // What a host passes to the kit's widget allowedHosts.
    expect(() => validateWidgetUrl(session.widgetUrl, { allowedHosts: [new URL(sim.widgetOrigin).host] })).not.toThrow();
    expect(() => validateWidgetUrl(session.widgetUrl)).toThrow();
    expect((await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId: 'conn_login' })).status).toBe(201);
  });

  it('given an unknown id, should answer 404; without connectionId, 400', async () => {
    expect((await meldFailure(client().repairConnection('conn_nope'))).status).toBe(404);
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
      widgetUrl: `${sim.widgetOrigin}/?connectToken=${session.connectToken}`,
    });
    expect(sim.getConnection(session.id)).toMatchObject({ status: 'IN_PROGRESS', statusReason: null, externalCustomerId: 'user_9', products: ['BALANCES', 'INVESTMENT_HOLDINGS'], successfullyAggregatedAt: null });
    expect(sim.getConnection(session.id)?.institutionId).toBeUndefined();
  });

  it("given no products, should use Meld's default: TRANSACTIONS, IDENTIFIERS, BALANCES, OWNERS", async () => {
    const session = await client().startConnection({ externalCustomerId: 'user_9' });
    expect(sim.getConnection(session.id)).toMatchObject({ products: ['TRANSACTIONS', 'IDENTIFIERS', 'BALANCES', 'OWNERS'], optionalProducts: [] });
    const optionalOnly = await client().startConnection({ externalCustomerId: 'user_9', products: [], optionalProducts: ['INVESTMENT_HOLDINGS'] });
    expect(sim.getConnection(optionalOnly.id)).toMatchObject({ products: [], optionalProducts: ['INVESTMENT_HOLDINGS'] });
    const neither = await meldCall(sim, 'POST', '/bank-linking/connect/start', { externalCustomerId: 'u', products: [], optionalProducts: [] });
    expect(neither.status).toBe(400);
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
    const error = await meldFailure(client().refreshConnection('conn_ok'));
    expect(error).toMatchObject({ status: 429, retryAfter: 10_800 });
    expect((await client().refreshConnection('conn_ok')).requestId).toEqual(expect.any(String));
  });

  it.each([409, 500] as const)('given failNextRefresh(%s), should answer it once', async (status) => {
    sim.failNextRefresh('conn_ok', status);
    expect((await meldFailure(client().refreshConnection('conn_ok'))).status).toBe(status);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/refresh', {})).status).toBe(202);
  });

  it('given an unknown id, should answer 404', async () => {
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_nope/refresh', {})).status).toBe(404);
  });

  it('given an inactive duplicate, should promote it: it takes the active one\'s status, which becomes PARTIALLY_ACTIVE / INACTIVE_DUPLICATE', async () => {
    sim.addConnection({ id: 'conn_main', externalCustomerId: 'user_1', status: 'DEGRADED', statusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE', duplicateConnectionIds: ['conn_dup'], activeDuplicateConnectionId: 'conn_main' });
    sim.addConnection({ id: 'conn_dup', externalCustomerId: 'user_1', status: 'PARTIALLY_ACTIVE', statusReason: 'INACTIVE_DUPLICATE', duplicateConnectionIds: ['conn_main'], activeDuplicateConnectionId: 'conn_main' });
    await client().refreshConnection('conn_dup');
    await sim.settled();
    expect(sim.getConnection('conn_dup')).toMatchObject({ status: 'DEGRADED', statusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE', activeDuplicateConnectionId: 'conn_dup' });
    expect(sim.getConnection('conn_main')).toMatchObject({ status: 'PARTIALLY_ACTIVE', statusReason: 'INACTIVE_DUPLICATE', activeDuplicateConnectionId: 'conn_dup' });
    const changes = receiver.received.filter((w) => w.json.eventType === 'BANK_LINKING_CONNECTION_STATUS_CHANGE').map((w) => w.json.payload);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ connectionId: 'conn_main', oldStatus: 'DEGRADED', newStatus: 'PARTIALLY_ACTIVE', newStatusReason: 'INACTIVE_DUPLICATE', activeDuplicateConnectionId: 'conn_dup' }),
        expect.objectContaining({ connectionId: 'conn_dup', oldStatusReason: 'INACTIVE_DUPLICATE', newStatus: 'DEGRADED', activeDuplicateConnectionId: 'conn_dup' }),
      ]),
    );
  });

  it('given an inactive duplicate whose active one is unknown, should promote it to ACTIVE', async () => {
    sim.addConnection({ id: 'conn_dup', externalCustomerId: 'user_1', status: 'PARTIALLY_ACTIVE', statusReason: 'INACTIVE_DUPLICATE' });
    await client().refreshConnection('conn_dup');
    await sim.settled();
    expect(sim.getConnection('conn_dup')).toMatchObject({ status: 'ACTIVE', statusReason: null, activeDuplicateConnectionId: 'conn_dup' });
  });

  it('given an accepted refresh, should send ACCOUNTS_UPDATING then ACCOUNTS_UPDATED with the 202\'s requestId and the new successfullyAggregatedAt', async () => {
    const { requestId } = await client().refreshConnection('conn_ok');
    await sim.settled();
    const [updating, updated] = receiver.received.map((w) => w.json);
    expect(updating).toMatchObject({ eventType: 'BANK_LINKING_ACCOUNTS_UPDATING', payload: { connectionId: 'conn_ok', requestId, financialAccounts: [expect.objectContaining({ newAccount: false }), expect.anything()] } });
    expect(updated).toMatchObject({ eventType: 'BANK_LINKING_ACCOUNTS_UPDATED', payload: { connectionId: 'conn_ok', requestId, successfullyAggregatedAt: sim.getConnection('conn_ok')!.successfullyAggregatedAt } });
    // The guide: TRANSACTIONS never appears in ACCOUNTS_UPDATED's products.
    expect(JSON.stringify(updated!.payload)).not.toContain('"TRANSACTIONS"');
  });

  it('given scriptRefresh, should change the status after the 202 and send the webhook', async () => {
    sim.addConnection({ id: 'conn_bank', externalCustomerId: 'user_1', status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED' });
    sim.scriptRefresh('conn_bank', { status: 'ACTIVE', statusReason: null, delayMs: 30 });
    await client().refreshConnection('conn_bank');
    expect(sim.getConnection('conn_bank')?.status).toBe('DEGRADED');
    await receiver.waitFor(1);
    expect(sim.getConnection('conn_bank')?.status).toBe('ACTIVE');
    // Used once: the next refresh only aggregates (ACCOUNTS_UPDATING / UPDATED), with no status change.
    await client().refreshConnection('conn_bank');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await sim.settled();
    expect(receiver.received.map((w) => w.json.eventType)).toEqual([
      'BANK_LINKING_CONNECTION_STATUS_CHANGE',
      'BANK_LINKING_ACCOUNTS_UPDATING',
      'BANK_LINKING_ACCOUNTS_UPDATED',
    ]);
  });
});

describe('POST /bank-linking/connections/{id}/update', () => {
  it('should answer 202 and add the products as optionalProducts', async () => {
    expect((await client().updateConnectionProducts('conn_ok', ['INVESTMENT_HOLDINGS'])).requestId).toEqual(expect.any(String));
    expect(sim.getConnection('conn_ok')?.optionalProducts).toEqual(['INVESTMENT_HOLDINGS']);
  });

  it('given a product already on the connection (required or optional), should answer 400 and change nothing', async () => {
    const present = await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/update', { products: ['INVESTMENT_HOLDINGS', 'BALANCES'] });
    expect(present.status).toBe(400);
    expectEnvelope(present.json, 'PRODUCTS_ALREADY_PRESENT');
    expect(present.json.message).toContain('BALANCES');
    expect(sim.getConnection('conn_ok')?.optionalProducts).toEqual([]);
    await client().updateConnectionProducts('conn_ok', ['INVESTMENT_HOLDINGS']);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/update', { products: ['INVESTMENT_HOLDINGS'] })).status).toBe(400);
  });

  it('given no products or an unknown one, should answer 400; an unknown id, 404; a deleted connection, 409', async () => {
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/update', {})).status).toBe(400);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/update', { products: ['CRYPTO'] })).status).toBe(400);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_nope/update', { products: ['INVESTMENT_HOLDINGS'] })).status).toBe(404);
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_expired/update', { products: ['INVESTMENT_HOLDINGS'] })).status).toBe(409);
  });
});

describe('DELETE /bank-linking/connections/{id}', () => {
  it('should answer 204, mark it DELETED, send a signed CONNECTION_DELETED then ACCOUNTS_REMOVED, and answer 409 the second time', async () => {
    await client().deleteConnection('conn_ok');
    expect(sim.getConnection('conn_ok')).toMatchObject({ status: 'DELETED', statusReason: null });
    await receiver.waitFor(2);
    const [webhook, removed] = receiver.received;
    expect(webhook!.json.eventType).toBe('BANK_LINKING_CONNECTION_DELETED');
    expect(removed!.json).toMatchObject({
      eventType: 'BANK_LINKING_ACCOUNTS_REMOVED',
      payload: { connectionId: 'conn_ok', financialAccounts: [{ id: expect.any(String) }, { id: expect.any(String) }], serviceProviderDetails: { serviceProvider: 'PLAID' } },
    });
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
