import { http, HttpResponse, delay } from 'msw';
import { describe, expect, it } from 'vitest';
import { HostApiError, createHostClient, type HostApiErrorKind } from '../../src/core/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, fake, resetFake, server } from '../helpers/hostServer.js';

const client = () => createHostClient({ baseUrl: BASE, timeoutMs: 200 });

/** Settles as `promise` does, or rejects if it is still pending after `ms` (a hang fails fast). */
function within<T>(promise: Promise<T>, ms = 1_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** A body that sends the first bytes of a JSON answer and then never closes. */
function stallingBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"id":"c1",'));
    },
  });
}

const never = () => new Promise<never>(() => undefined);

async function failure(promise: Promise<unknown>): Promise<HostApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostApiError);
  return error as HostApiError;
}

describe('createHostClient', () => {
  it('given the contract, should read, repair, refresh, update and delete', async () => {
    resetFake([aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' })]);
    const api = client();
    await expect(api.listConnections()).resolves.toHaveLength(1);
    await expect(api.getConnection('c1')).resolves.toMatchObject({ id: 'c1', status: 'RECONNECT_REQUIRED' });
    await expect(api.repairConnection('c1')).resolves.toEqual({
      connectionId: 'c1',
      connectToken: 'tok_1',
      widgetUrl: 'https://institution-connect-sb.meld.io/?connectToken=tok',
    });
    await expect(api.refreshConnection('c1')).resolves.toEqual({ requestId: 'req_refresh' });
    await expect(api.updateConnectionProducts('c1', ['INVESTMENT_HOLDINGS'])).resolves.toEqual({ requestId: 'req_update' });
    await expect(api.deleteConnection('c1')).resolves.toBeUndefined();
    expect(api.eventsUrl).toBe(`${BASE}/events`);
  });

  it('should send JSON, the host\'s headers from a function, and encode ids', async () => {
    let seen: { url: string; headers: Headers; body: unknown } | undefined;
    server.use(
      http.post(`${BASE}/connections/:id/update`, async ({ request }) => {
        seen = { url: request.url, headers: request.headers, body: await request.json() };
        return HttpResponse.json({ requestId: 'r' }, { status: 202 });
      }),
    );
    const api = createHostClient({ baseUrl: `${BASE}//`, headers: async () => ({ 'x-csrf': 'token-1' }) });
    await api.updateConnectionProducts('a/b c', ['OWNERS']);
    expect(seen?.url).toBe(`${BASE}/connections/a%2Fb%20c/update`);
    expect(seen?.headers.get('x-csrf')).toBe('token-1');
    expect(seen?.headers.get('content-type')).toBe('application/json');
    expect(seen?.headers.get('accept')).toBe('application/json');
    expect(seen?.body).toEqual({ products: ['OWNERS'] });
  });

  it('should say content-type: application/json on every change, with a body or without (the host refuses others: CSRF), and not on reads', async () => {
    resetFake([aConnection({ id: 'c1', status: 'ACTIVE' })]);
    const seen: Record<string, string | null> = {};
    const record = ({ request }: { request: Request }) => void (seen[`${request.method} ${new URL(request.url).pathname.split('/').pop()}`] = request.headers.get('content-type'));
    server.events.on('request:start', record);
    try {
      const api = client();
      await api.listConnections();
      await api.repairConnection('c1');
      await api.refreshConnection('c1');
      await api.updateConnectionProducts('c1', ['OWNERS']);
      await api.deleteConnection('c1');
    } finally {
      server.events.removeListener('request:start', record);
    }
    expect(seen).toEqual({
      'GET connections': null,
      'POST repair': 'application/json',
      'POST refresh': 'application/json',
      'POST update': 'application/json',
      'DELETE c1': 'application/json',
    });
  });

  it.each<[number, HostApiErrorKind]>([
    [400, 'bad-request'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'not-found'],
    [409, 'conflict'],
    [422, 'bad-request'],
    [429, 'rate-limited'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
  ])('given HTTP %i, should reject with kind %s and keep the body\'s fields', async (status, kind) => {
    server.use(
      http.post(`${BASE}/connections/c1/repair`, () =>
        HttpResponse.json(
          { code: `CODE_${status}`, message: 'It went wrong', requestId: 'req_9', displayMessage: 'Please try later.' },
          { status },
        ),
      ),
    );
    const error = await failure(client().repairConnection('c1'));
    expect(error).toMatchObject({
      kind,
      status,
      code: `CODE_${status}`,
      requestId: 'req_9',
      displayMessage: 'Please try later.',
    });
    expect(error.message).toContain(`POST ${BASE}/connections/c1/repair answered ${status} (CODE_${status})`);
  });

  it('given 429 with Retry-After in seconds or as a date, should expose retryAfter in seconds', async () => {
    server.use(
      http.post(`${BASE}/connections/s/refresh`, () =>
        HttpResponse.json({ code: 'RATE_LIMITED' }, { status: 429, headers: { 'retry-after': '10800' } }),
      ),
      http.post(`${BASE}/connections/d/refresh`, () =>
        HttpResponse.json({}, { status: 429, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } }),
      ),
    );
    expect((await failure(client().refreshConnection('s'))).retryAfter).toBe(10800);
    const byDate = (await failure(client().refreshConnection('d'))).retryAfter ?? 0;
    expect(byDate).toBeGreaterThan(100);
    expect(byDate).toBeLessThanOrEqual(121);
  });

  it('given an error body that is not JSON, should still map the status', async () => {
    server.use(http.get(`${BASE}/connections/c1`, () => new HttpResponse('<h1>Bad gateway</h1>', { status: 502 })));
    const error = await failure(client().getConnection('c1'));
    expect(error).toMatchObject({ kind: 'server', status: 502, code: undefined });
  });

  it('given no answer at all, should reject with kind network', async () => {
    server.use(http.get(`${BASE}/connections`, () => HttpResponse.error()));
    expect((await failure(client().listConnections())).kind).toBe('network');
  });

  it('given an answer slower than timeoutMs, should reject with kind timeout', async () => {
    server.use(
      http.get(`${BASE}/connections/slow`, async () => {
        await delay(2_000);
        return HttpResponse.json(aConnection({ id: 'slow' }));
      }),
    );
    const error = await failure(createHostClient({ baseUrl: BASE, timeoutMs: 50 }).getConnection('slow'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('50 ms');
  });

  it('given the caller aborts, should reject with the abort reason, not a HostApiError', async () => {
    server.use(
      http.get(`${BASE}/connections/slow`, async () => {
        await delay(2_000);
        return HttpResponse.json(aConnection({ id: 'slow' }));
      }),
    );
    const controller = new AbortController();
    const pending = createHostClient({ baseUrl: BASE }).getConnection('slow', { signal: controller.signal });
    controller.abort(new DOMException('Stop', 'AbortError'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('given an answer whose body stalls past timeoutMs, should reject with kind timeout', async () => {
    server.use(
      http.get(`${BASE}/connections/c1`, () =>
        new HttpResponse(stallingBody(), { status: 200, headers: { 'content-type': 'application/json' } }),
      ),
    );
    const error = await failure(within(createHostClient({ baseUrl: BASE, timeoutMs: 50 }).getConnection('c1')));
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(error.message).toContain('50 ms');
  });

  it('given a custom fetch whose body stalls and ignores the signal, should still reject with kind timeout', async () => {
    const stalling: typeof fetch = async () => new Response(stallingBody(), { status: 200 });
    const api = createHostClient({ baseUrl: BASE, timeoutMs: 50, fetch: stalling });
    expect((await failure(within(api.getConnection('c1')))).kind).toBe('timeout');
  });

  it('given a body that errors with an AbortError when the signal aborts (as the platform fetch does), should reject with kind timeout', async () => {
    const platformLike: typeof fetch = async (_input, init) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          init?.signal?.addEventListener('abort', () => controller.error(init.signal?.reason), { once: true });
        },
      });
      return new Response(body, { status: 200 });
    };
    const api = createHostClient({ baseUrl: BASE, timeoutMs: 50, fetch: platformLike });
    const error = await failure(within(api.getConnection('c1')));
    expect(error.kind).toBe('timeout');
    expect(error.cause).toMatchObject({ name: 'AbortError' });
  });

  it('given the caller aborts while the body stalls, should reject with the caller\'s reason', async () => {
    server.use(http.get(`${BASE}/connections/c1`, () => new HttpResponse(stallingBody(), { status: 200 })));
    const controller = new AbortController();
    const reason = new Error('the customer left the page');
    const pending = createHostClient({ baseUrl: BASE }).getConnection('c1', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 30);
    await expect(within(pending)).rejects.toBe(reason);
  });

  it.each([
    ['throws', () => {
      throw new Error('no session token');
    }],
    ['rejects', () => Promise.reject(new Error('no session token'))],
  ])('given a headers option that %s, should reject with kind headers, keep the cause and send nothing', async (_label, headers) => {
    let sent = 0;
    server.use(
      http.get(`${BASE}/connections/c1`, () => {
        sent += 1;
        return HttpResponse.json(aConnection({ id: 'c1' }));
      }),
    );
    const error = await failure(createHostClient({ baseUrl: BASE, headers }).getConnection('c1'));
    expect(error.kind).toBe('headers');
    expect(error.message).toContain('the headers option threw');
    expect(error.message).toContain('no session token');
    expect(error.cause).toEqual(new Error('no session token'));
    expect(sent).toBe(0);
  });

  it('given a headers option that never settles, should reject with kind timeout after timeoutMs', async () => {
    const api = createHostClient({ baseUrl: BASE, timeoutMs: 50, headers: never });
    const error = await failure(within(api.getConnection('c1')));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('headers option did not settle within 50 ms');
  });

  it('given a headers option that never settles and the caller aborts, should reject with the caller\'s reason', async () => {
    const controller = new AbortController();
    const reason = new Error('unmounted');
    const pending = createHostClient({ baseUrl: BASE, headers: never }).getConnection('c1', { signal: controller.signal });
    controller.abort(reason);
    await expect(within(pending)).rejects.toBe(reason);
  });

  describe('given malformed answers, should reject with kind invalid-response', () => {
    it.each([
      ['a body that is not JSON', `${BASE}/connections/c1`, 'get', () => new HttpResponse('OK', { status: 200 })],
      ['a connection without an id', `${BASE}/connections/c1`, 'get', () => HttpResponse.json({ status: 'ACTIVE' })],
      ['a connection without a status', `${BASE}/connections/c1`, 'get', () => HttpResponse.json({ id: 'c1' })],
      ['another connection', `${BASE}/connections/c1`, 'get', () => HttpResponse.json(aConnection({ id: 'c2' }))],
      ['an HTML institutionMessage object', `${BASE}/connections/c1`, 'get', () =>
        HttpResponse.json({ ...aConnection({ id: 'c1' }), institutionMessage: { __html: '<b>x</b>' } })],
      ['an empty body', `${BASE}/connections/c1`, 'get', () => new HttpResponse(null, { status: 200 })],
      ['a list that is not a list', `${BASE}/connections`, 'get', () => HttpResponse.json({ connections: 'none' })],
      ['a list with a broken connection', `${BASE}/connections`, 'get', () => HttpResponse.json({ connections: [{ id: 'x' }] })],
      ['a repair without widgetUrl', `${BASE}/connections/c1/repair`, 'post', () =>
        HttpResponse.json({ connectionId: 'c1', connectToken: 't' }, { status: 201 })],
      ['a repair for another connection', `${BASE}/connections/c1/repair`, 'post', () =>
        HttpResponse.json({ connectionId: 'c2', connectToken: 't', widgetUrl: 'https://x.meld.io/' }, { status: 201 })],
      ['a refresh without requestId', `${BASE}/connections/c1/refresh`, 'post', () => HttpResponse.json({}, { status: 202 })],
    ] as const)('%s', async (_label, url, method, resolver) => {
      server.use(http[method](url, resolver));
      const api = client();
      const call = url.endsWith('/repair')
        ? api.repairConnection('c1')
        : url.endsWith('/refresh')
          ? api.refreshConnection('c1')
          : url.endsWith('/connections')
            ? api.listConnections()
            : api.getConnection('c1');
      const error = await failure(call);
      expect(error.kind).toBe('invalid-response');
    });
  });

  describe('redeemRepairLink', () => {
    const LINK = `${BASE}/repair-links/redeem`;

    it('given a link the host accepts, should POST its token as JSON and answer the connection', async () => {
      let seen: { headers: Headers; body: unknown; credentials: RequestCredentials } | undefined;
      const connection = aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
      server.use(
        http.post(LINK, async ({ request }) => {
          seen = { headers: request.headers, body: await request.json(), credentials: request.credentials };
          return HttpResponse.json({ connectionId: 'c1', connection });
        }),
      );
      await expect(client().redeemRepairLink('tok_ABC-_123')).resolves.toEqual({ connectionId: 'c1', connection });
      expect(seen?.body).toEqual({ token: 'tok_ABC-_123' });
      expect(seen?.headers.get('content-type')).toBe('application/json');
      expect(seen?.credentials).toBe('same-origin');
    });

    it('given 404 REPAIR_LINK_INVALID, should reject with kind invalid-link; another 404 stays not-found', async () => {
      server.use(http.post(LINK, () => HttpResponse.json({ code: 'REPAIR_LINK_INVALID', message: 'This link cannot be used.' }, { status: 404 })));
      const refused = await failure(client().redeemRepairLink('secretToken123'));
      expect(refused).toMatchObject({ kind: 'invalid-link', status: 404, code: 'REPAIR_LINK_INVALID' });
      // The token travels in the body only: never in an error's message.
      expect(refused.message).not.toContain('secretToken123');
      server.use(http.post(LINK, () => HttpResponse.json({ code: 'NOT_FOUND', message: 'No such route.' }, { status: 404 })));
      expect((await failure(client().redeemRepairLink('tok'))).kind).toBe('not-found');
    });

    it.each<[number, HostApiErrorKind]>([
      [401, 'unauthorized'],
      [403, 'unauthorized'],
      [415, 'bad-request'],
      [429, 'rate-limited'],
      [502, 'server'],
      [504, 'server'],
    ])('given %i, should reject with kind %s', async (status, kind) => {
      server.use(http.post(LINK, () => HttpResponse.json({ code: 'X', message: 'no' }, { status, headers: status === 429 ? { 'retry-after': '30' } : {} })));
      const error = await failure(client().redeemRepairLink('tok'));
      expect(error.kind).toBe(kind);
      if (status === 429) expect(error.retryAfter).toBe(30);
    });

    it.each([
      ['no connectionId', { connection: aConnection({ id: 'c1' }) }],
      ['no connection', { connectionId: 'c1' }],
      ['another connection', { connectionId: 'c1', connection: aConnection({ id: 'c2' }) }],
      ['a connection without a status', { connectionId: 'c1', connection: { id: 'c1' } }],
    ])('given an answer with %s, should reject with kind invalid-response', async (_label, body) => {
      server.use(http.post(LINK, () => HttpResponse.json(body)));
      expect((await failure(client().redeemRepairLink('tok'))).kind).toBe('invalid-response');
    });

    it('given an empty token, should throw without a request', async () => {
      await expect(client().redeemRepairLink('')).rejects.toThrow(/non-empty string/);
    });
  });

  it('given misuse, should throw errors that name the fix', async () => {
    expect(() => createHostClient({ baseUrl: '' })).toThrow(/needs a baseUrl/);
    await expect(client().getConnection('')).rejects.toThrow(/non-empty string/);
    await expect(client().updateConnectionProducts('c1', [])).rejects.toThrow(/non-empty array/);
    expect(fake.count('POST /connections/c1/update')).toBe(0);
  });
});
