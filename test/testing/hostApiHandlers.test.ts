// hostApiHandlers with MSW's setupServer, driven by the kit's own browser
// client (createHostClient): every route, the scripted answers, the live
// /events stream fed by setStatus, and the options' errors.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHostClient, HostApiError, validateWidgetUrl, type Connection, type HostApi } from '../../src/core/index.js';
import { hostApiHandlers, MeldTestingError, type HostApiHandlers, type HostApiRequest } from '../../src/testing/index.js';

const BASE = 'http://host.test/api/meld';
const LOGIN: Connection = { id: 'conn_login', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionId: 'ins_1', institutionName: 'First Bank' };
const ACTIVE: Connection = { id: 'conn_active', status: 'ACTIVE', statusReason: null, institutionName: 'Second Bank', products: ['BALANCES'] };
const EXPIRED: Connection = { id: 'conn_expired', status: 'EXPIRED', statusReason: null };

const server = setupServer();
const unhandled: string[] = [];
// Unhandled requests fail (MSW answers 500; quietly, as two tests expect them).
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (request) => {
      unhandled.push(`${request.method} ${request.url}`);
      throw new Error(`unhandled ${request.method} ${request.url}`);
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function use(options: Parameters<typeof hostApiHandlers>[0] = {}): { host: HostApiHandlers; kit: HostApi } {
  const host = hostApiHandlers({ baseUrl: BASE, connections: [LOGIN, ACTIVE, EXPIRED], ...options });
  server.use(...host.handlers);
  return { host, kit: createHostClient({ baseUrl: host.baseUrl, timeoutMs: 2000 }) };
}

async function failure(promise: Promise<unknown>): Promise<HostApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostApiError);
  return error as HostApiError;
}

/** Reads an SSE body until `count` data events arrived. */
async function readEvents(response: Response, count: number): Promise<Array<{ id: string; data: Record<string, unknown> }>> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const events: Array<{ id: string; data: Record<string, unknown> }> = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let at: number;
    while ((at = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id && data) events.push({ id, data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  await reader.cancel();
  return events;
}

describe('hostApiHandlers: the contract', () => {
  it('GET /connections and /connections/:id answer copies of the connections', async () => {
    const { kit } = use();
    expect((await kit.listConnections()).map((c) => c.id)).toEqual(['conn_login', 'conn_active', 'conn_expired']);
    expect(await kit.getConnection('conn_login')).toEqual(LOGIN);
    expect((await failure(kit.getConnection('nope'))).kind).toBe('not-found');
  });

  it('POST repair answers a session with a widget URL the kit accepts', async () => {
    const { kit } = use();
    const session = await kit.repairConnection('conn_login');
    expect(session).toEqual({ connectionId: 'conn_login', connectToken: expect.stringMatching(/^ct_/), widgetUrl: expect.stringMatching(/^https:\/\/institution-connect-sb\.meld\.io\/\?connectToken=ct_/), institutionId: 'ins_1' });
    expect(() => validateWidgetUrl(session.widgetUrl)).not.toThrow();
  });

  it('given widgetUrl, should use it (e.g. the simulator or a stand-in page)', async () => {
    const { kit } = use({ widgetUrl: (id, { connectToken }) => `http://127.0.0.1:4100/widget?token=${connectToken}&for=${id}` });
    expect((await kit.repairConnection('conn_login')).widgetUrl).toMatch(/^http:\/\/127\.0\.0\.1:4100\/widget\?token=ct_\w+&for=conn_login$/);
  });

  it("follows Meld's status rules: 409 on repairing EXPIRED and refreshing RECONNECT_REQUIRED", async () => {
    const { kit } = use();
    expect(await failure(kit.repairConnection('conn_expired'))).toMatchObject({ kind: 'conflict', code: 'CONNECTION_NOT_REPAIRABLE' });
    expect(await failure(kit.refreshConnection('conn_login'))).toMatchObject({ kind: 'conflict', code: 'CONNECTION_NOT_REFRESHABLE' });
    expect((await kit.refreshConnection('conn_active')).requestId).toEqual(expect.any(String));
  });

  it('POST update adds products (202); a bad body is 400', async () => {
    const { kit, host } = use();
    expect((await kit.updateConnectionProducts('conn_active', ['INVESTMENT_HOLDINGS'])).requestId).toEqual(expect.any(String));
    expect(host.getConnection('conn_active')?.optionalProducts).toEqual(['INVESTMENT_HOLDINGS']);
    const response = await fetch(`${BASE}/connections/conn_active/update`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(400);
    expect((await failure(kit.updateConnectionProducts('conn_expired', ['BALANCES']))).kind).toBe('conflict');
  });

  it('DELETE answers 204 and marks it DELETED; again, 409', async () => {
    const { kit, host } = use();
    await kit.deleteConnection('conn_active');
    expect(host.getConnection('conn_active')).toMatchObject({ status: 'DELETED', statusReason: null });
    expect((await failure(kit.deleteConnection('conn_active'))).kind).toBe('conflict');
    expect((await failure(kit.deleteConnection('nope'))).kind).toBe('not-found');
  });

  it("errors carry the contract's shape: { code, message, requestId }", async () => {
    use();
    const response = await fetch(`${BASE}/connections/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'CONNECTION_NOT_FOUND', message: expect.any(String), requestId: expect.any(String) });
  });
});

describe('hostApiHandlers: scripted answers', () => {
  it.each([
    [404, 'not-found'],
    [409, 'conflict'],
    [500, 'server'],
  ] as const)('repair %s -> HostApiError %s', async (status, kind) => {
    const { kit } = use({ repair: { conn_login: status } });
    expect((await failure(kit.repairConnection('conn_login'))).kind).toBe(kind);
  });

  it('repair 429 -> rate-limited with Retry-After (default 120 s, or retryAfterSeconds)', async () => {
    expect(await failure(use({ repair: { conn_login: 429 } }).kit.repairConnection('conn_login'))).toMatchObject({ kind: 'rate-limited', retryAfter: 120 });
    server.resetHandlers();
    expect(await failure(use({ repair: { conn_login: 429 }, retryAfterSeconds: 5 }).kit.repairConnection('conn_login'))).toMatchObject({ retryAfter: 5 });
  });

  it("repair 'unsafe-widget-url' -> a lookalike host the kit refuses to open", async () => {
    const session = await use({ repair: { conn_login: 'unsafe-widget-url' } }).kit.repairConnection('conn_login');
    expect(() => validateWidgetUrl(session.widgetUrl)).toThrow(expect.objectContaining({ problem: 'host' }));
  });

  it("repair 'no-widget-url' (Meld's 2022 shape) -> invalid-response", async () => {
    expect((await failure(use({ repair: { conn_login: 'no-widget-url' } }).kit.repairConnection('conn_login'))).kind).toBe('invalid-response');
  });

  it("repair 'hang' -> never answers (the kit times out)", async () => {
    const host = hostApiHandlers({ baseUrl: BASE, connections: [LOGIN], repair: () => 'hang' });
    server.use(...host.handlers);
    const kit = createHostClient({ baseUrl: BASE, timeoutMs: 100 });
    expect((await failure(kit.repairConnection('conn_login'))).kind).toBe('timeout');
    expect(host.requests()[0]).toMatchObject({ route: 'repair', status: undefined });
  });

  it('refresh answers: 429, 500, hang; a function picks per connection', async () => {
    const { kit, host } = use({ refresh: (id) => (id === 'conn_active' ? 429 : undefined) });
    expect((await failure(kit.refreshConnection('conn_active'))).kind).toBe('rate-limited');
    host.scriptRefresh('conn_active', 500);
    expect((await failure(kit.refreshConnection('conn_active'))).kind).toBe('server');
    host.scriptRefresh('conn_active', undefined);
    expect((await failure(kit.refreshConnection('conn_active'))).kind).toBe('rate-limited');
  });

  it('scriptRepair overrides the options until reset', async () => {
    const { kit, host } = use();
    host.scriptRepair('conn_login', 409);
    expect((await failure(kit.repairConnection('conn_login'))).kind).toBe('conflict');
    host.reset();
    expect((await kit.repairConnection('conn_login')).connectionId).toBe('conn_login');
  });
});

describe('hostApiHandlers: repair links', () => {
  it('redeems a listed link once, for its connection; a second use is refused like an unknown link', async () => {
    const { kit, host } = use({ repairLinks: { tok_login: 'conn_login' } });
    await expect(kit.redeemRepairLink!('tok_login')).resolves.toEqual({ connectionId: 'conn_login', connection: LOGIN });
    const again = await failure(kit.redeemRepairLink!('tok_login'));
    const unknown = await failure(kit.redeemRepairLink!('tok_nobody'));
    for (const refused of [again, unknown]) expect(refused).toMatchObject({ kind: 'invalid-link', status: 404, code: 'REPAIR_LINK_INVALID' });
    expect(again.message.replace(/req_\w+/, '')).toBe(unknown.message.replace(/req_\w+/, ''));
    expect(host.count('POST /repair-links/redeem')).toBe(3);
    expect(host.requests()[0]).toMatchObject({ route: 'redeem', body: { token: 'tok_login' }, status: 200, connectionId: undefined });
  });

  it('refuses a link whose connection is gone, and a body without a token, alike', async () => {
    const { kit, host } = use({ repairLinks: { tok_gone: 'conn_nowhere' } });
    expect((await failure(kit.redeemRepairLink!('tok_gone'))).kind).toBe('invalid-link');
    const response = await fetch(`${BASE}/repair-links/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nope":1}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'REPAIR_LINK_INVALID' });
    expect(host.count('POST /repair-links/redeem')).toBe(2);
  });

  it('scripted failures leave the link unused, so a retry redeems it; addRepairLink issues one; reset forgets uses', async () => {
    const { kit, host } = use({ repairLinks: { tok_a: 'conn_login' }, redeem: 429 });
    const limited = await failure(kit.redeemRepairLink!('tok_a'));
    expect(limited).toMatchObject({ kind: 'rate-limited', retryAfter: 120 });
    host.scriptRedeem(502);
    expect((await failure(kit.redeemRepairLink!('tok_a'))).kind).toBe('server');
    host.scriptRedeem('ok');
    expect((await kit.redeemRepairLink!('tok_a')).connectionId).toBe('conn_login');
    host.addRepairLink('tok_b', 'conn_active');
    expect((await kit.redeemRepairLink!('tok_b')).connection).toEqual(ACTIVE);
    host.reset();
    // Back to the options: tok_a is unused again (and answers 429), tok_b was never issued.
    expect((await failure(kit.redeemRepairLink!('tok_a'))).kind).toBe('rate-limited');
    expect((await failure(kit.redeemRepairLink!('tok_b'))).kind).toBe('invalid-link');
  });

  it("a redeem function picks per token; 'hang' never answers", async () => {
    const { kit } = use({ repairLinks: { tok_401: 'conn_login', tok_hang: 'conn_login' }, redeem: (t) => (t === 'tok_401' ? 401 : t === 'tok_hang' ? 'hang' : undefined) });
    expect((await failure(kit.redeemRepairLink!('tok_401'))).kind).toBe('unauthorized');
    await expect(kit.redeemRepairLink!('tok_hang', { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('given bad repair-link options, should throw MeldTestingError naming the fix', () => {
    expect(() => hostApiHandlers({ repairLinks: { tok: '' } })).toThrow(/must map to a connection id/);
    expect(() => hostApiHandlers({ repairLinks: ['tok'] as never })).toThrow(/maps each link's token/);
    expect(() => hostApiHandlers({ redeem: 418 as never })).toThrow(/redeem is one of/);
    expect(() => hostApiHandlers().scriptRedeem(404 as never)).toThrow(/not a redeem answer/);
  });
});

describe('hostApiHandlers: state, log and live status', () => {
  it('requests(), count() and onRequest record each request as it arrives', async () => {
    const seen: HostApiRequest[] = [];
    const { kit, host } = use({ onRequest: (request) => seen.push(request) });
    await kit.listConnections();
    await kit.repairConnection('conn_login');
    await kit.updateConnectionProducts('conn_active', ['OWNERS']);
    expect(host.requests().map((r) => [r.key, r.route, r.status])).toEqual([
      ['GET /connections', 'list', 200],
      ['POST /connections/conn_login/repair', 'repair', 200],
      ['POST /connections/conn_active/update', 'update', 202],
    ]);
    expect(host.requests()[2]!.body).toEqual({ products: ['OWNERS'] });
    expect(host.count('POST /connections/conn_login/repair')).toBe(1);
    expect(seen.map((r) => r.route)).toEqual(['list', 'repair', 'update']);
  });

  it('setStatus changes the connection and pushes a STATUS_CHANGE on /events', async () => {
    const { host, kit } = use();
    const response = await fetch(`${BASE}/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const updated = host.setStatus('conn_active', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionMessage: 'Approve it in your app.' });
    expect(updated).toMatchObject({ status: 'DEGRADED', institutionMessage: 'Approve it in your app.' });
    host.setStatus('conn_login', 'ACTIVE');
    await kit.deleteConnection('conn_expired');
    const events = await readEvents(response, 3);
    expect(events.map((e) => e.id)).toEqual(['1', '2', '3']);
    expect(events[0]!.data).toMatchObject({
      eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
      eventId: expect.any(String),
      timestamp: expect.any(String),
      payload: { connectionId: 'conn_active', oldStatus: 'ACTIVE', oldStatusReason: null, newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: 'Approve it in your app.' },
    });
    expect(events[1]!.data.payload).toMatchObject({ connectionId: 'conn_login', newStatus: 'ACTIVE', newStatusReason: null });
    expect(events[2]!.data).toMatchObject({ eventType: 'BANK_LINKING_CONNECTION_DELETED', payload: { connectionId: 'conn_expired' } });
    expect(await kit.getConnection('conn_active')).toMatchObject({ status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED' });
  });

  it('setStatus without a reason uses the table; errors are typed', () => {
    const { host } = use();
    expect(host.setStatus('conn_active', 'RECONNECT_REQUIRED').statusReason).toBe('LOGIN_REQUIRED');
    expect(() => host.setStatus('nope', 'ACTIVE')).toThrow(expect.objectContaining({ name: 'MeldTestingError', kind: 'unknown-connection' }));
    expect(() => host.setStatus('conn_active', 'active')).toThrow(expect.objectContaining({ kind: 'invalid-status' }));
  });

  it('given events: false, should not answer /events', async () => {
    use({ events: false });
    expect((await fetch(`${BASE}/events`)).ok).toBe(false);
    expect(unhandled.at(-1)).toBe(`GET ${BASE}/events`);
  });

  it('reset() restores the connections (given or initial) and forgets the log; the inputs are never mutated', async () => {
    const { host, kit } = use();
    await kit.deleteConnection('conn_active');
    expect(ACTIVE.status).toBe('ACTIVE');
    host.reset();
    expect(host.getConnection('conn_active')?.status).toBe('ACTIVE');
    expect(host.requests()).toEqual([]);
    host.reset([ACTIVE]);
    expect(host.connections().map((c) => c.id)).toEqual(['conn_active']);
    host.addConnection(LOGIN);
    expect(() => host.addConnection(LOGIN)).toThrow(expect.objectContaining({ kind: 'duplicate-connection' }));
  });

  it('handle() answers a request of the contract without MSW, and undefined for anything else', async () => {
    const host = hostApiHandlers({ baseUrl: BASE, connections: [LOGIN] });
    const answer = await host.handle(new Request(`${BASE}/connections/conn_login`));
    expect(await answer?.json()).toEqual(LOGIN);
    expect(await host.handle(new Request('http://other.test/api/meld/connections'))).toBeUndefined();
    expect(await host.handle(new Request(`${BASE}/elsewhere`))).toBeUndefined();
    expect(await host.handle(new Request(`${BASE}/connections`, { method: 'POST' }))).toBeUndefined();
  });
});

describe('hostApiHandlers: base URLs and options', () => {
  it("given the default '/api/meld' in Node, should match that path on any origin", async () => {
    const host = hostApiHandlers({ connections: [LOGIN] });
    server.use(...host.handlers);
    expect(host.baseUrl).toBe('/api/meld');
    for (const origin of ['http://localhost:3000', 'http://example.test']) {
      const response = await fetch(`${origin}/api/meld/connections`);
      expect(await response.json()).toEqual({ connections: [LOGIN] });
    }
  });

  it('given an absolute base URL, should leave other origins unhandled', async () => {
    use();
    server.use(http.get('http://other.test/api/meld/connections', () => HttpResponse.json({ connections: [] })));
    expect(await (await fetch('http://other.test/api/meld/connections')).json()).toEqual({ connections: [] });
    expect((await fetch('http://third.test/api/meld/connections')).ok).toBe(false);
    expect(unhandled.at(-1)).toBe('GET http://third.test/api/meld/connections');
  });

  it('given latencyMs, should take that long', async () => {
    const { kit } = use({ latencyMs: 80 });
    const started = performance.now();
    await kit.listConnections();
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('given bad options, should throw MeldTestingError naming the fix', () => {
    expect(() => hostApiHandlers({ baseUrl: 'api/meld' })).toThrow(/e\.g\. '\/api\/meld'/);
    expect(() => hostApiHandlers({ latencyMs: -1 })).toThrow(MeldTestingError);
    expect(() => hostApiHandlers({ connections: [{ status: 'ACTIVE' } as Connection] })).toThrow(/needs at least \{ id, status \}/);
    expect(() => hostApiHandlers({ connections: [LOGIN, LOGIN] })).toThrow(expect.objectContaining({ kind: 'duplicate-connection' }));
    expect(() => hostApiHandlers({ repair: { conn_login: 418 as never } })).toThrow(/repair\.conn_login is one of/);
    expect(() => hostApiHandlers({ widgetUrl: 'https://x' as never })).toThrow(/widgetUrl is a function/);
  });
});
