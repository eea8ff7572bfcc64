// The reconnect handler's request guards (issue 13): a body is read only
// after the caller and the connection are checked, and never past a small cap
// (item 2); a change a cross-site page can make is refused (CSRF, item 6).
// Each attack runs through the real handler, against the fake Meld on loopback.
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHostClient } from '../../src/core/index.js';
import {
  createMeldClient,
  createMemoryEventBus,
  createReconnectHandler,
  toNodeHandler,
  type ReconnectHandler,
  type ReconnectHandlerOptions,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';
import { NODE_READ_AHEAD, upload } from './helpers/upload.js';

const BASE = '/api/meld';
/** The page and the API share this origin in the fetch-standard tests. */
const SITE = 'https://bank.example';
const MiB = 1024 * 1024;
const DEFAULT_CAP = 16 * 1024;

let meld: FakeMeld;
let handler: ReconnectHandler;
let authorized: number;

function build(overrides: Partial<ReconnectHandlerOptions> = {}) {
  handler = createReconnectHandler({
    meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, timeoutMs: 1000, retries: 0 }),
    authorize: (request) => {
      authorized += 1;
      const user = request.headers.get('x-user');
      return user ? { externalCustomerId: user } : null;
    },
    basePath: BASE,
    bus: createMemoryEventBus(),
    ...overrides,
  });
}

beforeAll(async () => {
  meld = await startFakeMeld();
});
afterAll(() => meld.close());
beforeEach(() => {
  meld.reset();
  authorized = 0;
  meld.add(meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }), meldConnection('a2', 'alice'), meldConnection('b1', 'bob'));
  build();
});

/** A body of `total` bytes that counts what the handler pulls: nothing is produced ahead of a read. */
function countingBody(total: number, chunkSize = 1024) {
  const state = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(chunkSize).fill(0x20);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled >= total) return controller.close();
        const size = Math.min(chunkSize, total - state.pulled);
        state.pulled += size;
        controller.enqueue(size === chunkSize ? chunk : chunk.slice(0, size));
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

interface Send {
  user?: string | null;
  headers?: Record<string, string>;
  body?: BodyInit | ReadableStream<Uint8Array> | undefined;
  url?: string;
}

/** Calls the fetch-standard handler directly, by default as the kit's client on the site's own page. */
async function send(method: string, path: string, { user = 'alice', headers = {}, body, url = SITE }: Send = {}) {
  const all: Record<string, string> = {
    ...(user ? { 'x-user': user } : {}),
    ...(method === 'GET' ? {} : { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', origin: url }),
    ...headers,
  };
  const request = new Request(`${url}${path}`, {
    method,
    // '' leaves a header out.
    headers: Object.fromEntries(Object.entries(all).filter(([, value]) => value !== '')),
    ...(body === undefined ? {} : { body, duplex: 'half' }),
  } as RequestInit);
  const response = await handler(request);
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const UPDATE = `${BASE}/connections/a2/update`;
const PRODUCTS = JSON.stringify({ products: ['OWNERS'] });
const MUTATIONS = [
  { name: 'repair', method: 'POST', path: `${BASE}/connections/a1/repair`, ok: 200 },
  { name: 'refresh', method: 'POST', path: `${BASE}/connections/a2/refresh`, ok: 202 },
  { name: 'update', method: 'POST', path: UPDATE, body: PRODUCTS, ok: 202 },
  { name: 'delete', method: 'DELETE', path: `${BASE}/connections/a2`, ok: 204 },
] as const;

describe('reading a body (item 2): the caller and the connection first, then at most the cap', () => {
  it('given a 16 MiB streamed body to update an own connection, should answer 413 after pulling at most the cap plus one chunk, and cancel the stream', async () => {
    const { stream, state } = countingBody(16 * MiB);
    const answer = await send('POST', UPDATE, { body: stream });
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(state.pulled).toBeLessThanOrEqual(DEFAULT_CAP + 1024);
    expect(state.cancelled).toBe(true);
    expect(meld.mutations()).toEqual([]);
  });

  it("given a 16 MiB streamed body to another customer's or an unknown id, should answer 404 without pulling a byte", async () => {
    for (const id of ['b1', 'does-not-exist']) {
      const { stream, state } = countingBody(16 * MiB);
      const answer = await send('POST', `${BASE}/connections/${id}/update`, { body: stream });
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ code: 'CONNECTION_NOT_FOUND', message: 'No such connection.' });
      expect(state.pulled).toBe(0);
    }
    expect(meld.mutations()).toEqual([]);
  });

  it('given no identity or a cross-site page, should refuse without pulling a byte', async () => {
    const anonymous = countingBody(16 * MiB);
    expect((await send('POST', UPDATE, { user: null, body: anonymous.stream })).status).toBe(401);
    const crossSite = countingBody(16 * MiB);
    expect((await send('POST', UPDATE, { body: crossSite.stream, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect([anonymous.state.pulled, crossSite.state.pulled]).toEqual([0, 0]);
    expect(meld.requests).toEqual([]);
  });

  it('given a route that takes no body (repair, refresh, delete), should answer without pulling any of a 16 MiB body', async () => {
    for (const route of MUTATIONS.filter((r) => r.name !== 'update')) {
      const { stream, state } = countingBody(16 * MiB);
      expect((await send(route.method, route.path, { body: stream })).status).toBe(route.ok);
      expect(state.pulled).toBe(0);
    }
  });

  it('given a Content-Length over the cap, should answer 413 without pulling a byte', async () => {
    const { stream, state } = countingBody(16 * MiB);
    const answer = await send('POST', UPDATE, { body: stream, headers: { 'content-length': String(16 * MiB) } });
    expect(answer.status).toBe(413);
    expect(state.pulled).toBe(0);
  });

  it('given maxBodyBytes, should take a body up to it and refuse one past it', async () => {
    build({ maxBodyBytes: 1000 });
    const padded = (size: number) => PRODUCTS.replace('{', `{${' '.repeat(size - PRODUCTS.length)}`);
    expect((await send('POST', UPDATE, { body: padded(1000) })).status).toBe(202);
    const { stream, state } = countingBody(16 * MiB, 100);
    expect((await send('POST', UPDATE, { body: stream })).status).toBe(413);
    expect(state.pulled).toBeLessThanOrEqual(1100);
    expect((await send('POST', UPDATE, { body: padded(1001) })).status).toBe(413);
  });

  it('given a body that is not UTF-8, should answer 400', async () => {
    expect((await send('POST', UPDATE, { body: new Uint8Array([0x7b, 0xff, 0x7d]) })).json).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('reading a body through toNodeHandler (item 2), on a real loopback server', () => {
  let server: Server | undefined;
  let sockets: Socket[];

  afterEach(async () => {
    const running = server;
    server = undefined;
    if (!running) return;
    running.closeAllConnections();
    await new Promise((resolve) => running.close(resolve));
  });

  async function listen(): Promise<number> {
    sockets = [];
    const node = toNodeHandler((request) => handler(request), { onError: () => {} });
    server = createServer((req, res) => {
      sockets.push(req.socket);
      node(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  const ALICE_JSON = { 'x-user': 'alice', 'content-type': 'application/json' };

  async function serverRead(): Promise<number> {
    const before = sockets[0]!.bytesRead;
    // The connection is closed, not drained: nothing more is read afterwards.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sockets[0]!.bytesRead).toBe(before);
    return before;
  }

  it("given a 16 MiB upload to another customer's connection, should answer 404 having read no more than Node's own buffers", async () => {
    const port = await listen();
    const answer = await upload(`http://127.0.0.1:${port}${BASE}/connections/b1/update`, 16 * MiB, ALICE_JSON);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    expect(await serverRead()).toBeLessThan(NODE_READ_AHEAD);
    expect(answer.written).toBeLessThan(16 * MiB);
  });

  it('given a 16 MiB upload to an own connection, should answer 413 having read at most the cap plus Node\'s buffers', async () => {
    const port = await listen();
    const answer = await upload(`http://127.0.0.1:${port}${UPDATE}`, 16 * MiB, ALICE_JSON);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await serverRead()).toBeLessThan(DEFAULT_CAP + NODE_READ_AHEAD);
    expect(meld.mutations()).toEqual([]);
  });
});

describe('CSRF (item 6): changes only from the site itself, only as JSON', () => {
  const EVIL = 'https://evil.example';

  it('given a cross-site <form enctype="text/plain"> POST to update, should answer 403 ORIGIN_NOT_ALLOWED and ask neither authorize nor Meld', async () => {
    // What the browser sends for the form: its own Origin, Sec-Fetch-Site, text/plain, the cookie (here x-user).
    const answer = await send('POST', UPDATE, {
      headers: { origin: EVIL, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'content-type': 'text/plain' },
      body: '{"products":["OWNERS"],"x":"=}',
    });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ code: 'ORIGIN_NOT_ALLOWED', message: expect.stringMatching(/allowedOrigins/) });
    expect(authorized).toBe(0);
    expect(meld.requests).toEqual([]);
  });

  for (const route of MUTATIONS) {
    it(`given Sec-Fetch-Site: cross-site on ${route.name}, should answer 403 whatever the content type`, async () => {
      for (const headers of [{ origin: EVIL, 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'cross-site', origin: '' }]) {
        const answer = await send(route.method, route.path, { headers, body: 'body' in route ? route.body : undefined });
        expect(answer.status).toBe(403);
      }
      expect(meld.requests).toEqual([]);
    });
  }

  it('given a cross-site Origin from a browser that sends no Sec-Fetch-Site, should answer 403', async () => {
    const request = new Request(`${SITE}${UPDATE}`, { method: 'POST', headers: { 'x-user': 'alice', origin: EVIL, 'content-type': 'application/json' }, body: PRODUCTS });
    expect((await handler(request)).status).toBe(403);
    expect(meld.requests).toEqual([]);
  });

  it('given a sibling subdomain (Sec-Fetch-Site: same-site), Origin: null or Sec-Fetch-Site: none, should answer 403', async () => {
    const cases = [
      { origin: 'https://blog.bank.example', 'sec-fetch-site': 'same-site' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      { 'sec-fetch-site': 'none', origin: '' },
    ];
    for (const headers of cases) {
      const request = new Request(`${SITE}${UPDATE}`, {
        method: 'POST',
        headers: Object.fromEntries(Object.entries({ 'x-user': 'alice', 'content-type': 'application/json', ...headers }).filter(([, v]) => v !== '')),
        body: PRODUCTS,
      });
      expect((await handler(request)).status, JSON.stringify(headers)).toBe(403);
    }
    expect(meld.requests).toEqual([]);
  });

  it.each([
    ['text/plain', '{"products":["OWNERS"]}'],
    ['application/x-www-form-urlencoded', 'products=OWNERS'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="products"\r\n\r\nOWNERS\r\n--x--\r\n'],
    ['application/jsonx', '{"products":["OWNERS"]}'],
  ])('given a same-origin request with content-type %s, should answer 415 UNSUPPORTED_MEDIA_TYPE without calling Meld', async (type, body) => {
    const answer = await send('POST', UPDATE, { headers: { 'content-type': type }, body });
    expect(answer.status).toBe(415);
    expect(answer.json).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(meld.requests).toEqual([]);
  });

  it('given a change without content-type (repair, refresh, delete with no body), should answer 415', async () => {
    for (const route of MUTATIONS) {
      const request = new Request(`${SITE}${route.path}`, { method: route.method, headers: { 'x-user': 'alice', 'sec-fetch-site': 'same-origin' } });
      expect((await handler(request)).status, route.name).toBe(415);
    }
    expect(meld.requests).toEqual([]);
  });

  it('given Sec-Fetch-Site: same-origin and no Origin, or a proxy that rewrote the URL to localhost, should accept every change', async () => {
    for (const route of MUTATIONS) {
      const noOrigin = await send(route.method, route.path, { headers: { origin: '' }, body: 'body' in route ? route.body : undefined });
      expect(noOrigin.status, route.name).toBe(route.ok);
    }
    build();
    const behindProxy = await send('POST', UPDATE, { url: 'http://localhost:3000', headers: { origin: SITE }, body: PRODUCTS });
    expect(behindProxy.status).toBe(202);
  });

  it('given a browser without Sec-Fetch-Site on the same origin (its URL, or the Host a proxy kept), should accept; another port is another origin', async () => {
    const post = (url: string, headers: Record<string, string>) =>
      handler(new Request(`${url}${UPDATE}`, { method: 'POST', headers: { 'x-user': 'alice', 'content-type': 'application/json', ...headers }, body: PRODUCTS }));
    expect((await post(SITE, { origin: SITE })).status).toBe(202);
    expect((await post('http://localhost:3000', { origin: SITE, host: 'bank.example' })).status).toBe(202);
    expect((await post(SITE, { origin: 'https://bank.example:8443' })).status).toBe(403);
  });

  it('given a request with neither Origin nor Sec-Fetch-Site (a script or another server: no cookies to borrow), should accept it as JSON only', async () => {
    const post = (type: string) => handler(new Request(`${SITE}${UPDATE}`, { method: 'POST', headers: { 'x-user': 'alice', 'content-type': type }, body: PRODUCTS }));
    expect((await post('application/json; charset=utf-8')).status).toBe(202);
    expect((await post('text/plain')).status).toBe(415);
  });

  it('given allowedOrigins, should accept those origins (page on another origin) and still refuse others', async () => {
    build({ allowedOrigins: ['https://app.bank.example', 'http://localhost:5173/'] });
    for (const [origin, site] of [['https://app.bank.example', 'same-site'], ['http://localhost:5173', 'cross-site']] as const) {
      expect((await send('POST', UPDATE, { headers: { origin, 'sec-fetch-site': site }, body: PRODUCTS })).status).toBe(202);
    }
    expect((await send('POST', UPDATE, { headers: { origin: 'https://blog.bank.example', 'sec-fetch-site': 'same-site' }, body: PRODUCTS })).status).toBe(403);
    expect((await send('POST', UPDATE, { headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' }, body: PRODUCTS })).status).toBe(403);
  });

  it('given a cross-site GET (list, one connection), should still answer: reads change nothing, and without CORS the page cannot read the answer', async () => {
    const headers = { origin: EVIL, 'sec-fetch-site': 'cross-site' };
    expect((await send('GET', `${BASE}/connections`, { headers })).status).toBe(200);
    expect((await send('GET', `${BASE}/connections/a1`, { headers })).status).toBe(200);
  });

  it('given bad allowedOrigins or maxBodyBytes, should throw an error that names the fix', () => {
    for (const allowedOrigins of [['app.example.com'], ['https://app.example.com/path'], ['null'], 'https://app.example.com'] as never[]) {
      expect(() => build({ allowedOrigins })).toThrow(/allowedOrigins: \['https:\/\/app\.example\.com'\]/);
    }
    for (const maxBodyBytes of [0, -1, 1.5, '16384', Number.POSITIVE_INFINITY] as never[]) {
      expect(() => build({ maxBodyBytes })).toThrow(/maxBodyBytes: 16 \* 1024/);
    }
  });
});

describe("the kit's own browser client passes the guards", () => {
  let server: Server | undefined;
  let origin: string;
  const seen: Array<Record<string, string>> = [];

  beforeAll(async () => {
    const node = toNodeHandler((request) => {
      seen.push(Object.fromEntries(request.headers));
      return handler(request);
    });
    server = createServer(node);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  });

  /** fetch as a browser sends it from a page on `pageOrigin`: Origin and Sec-Fetch-Site added, the rest as the kit set it. */
  function browserFetch(pageOrigin: string, fetchSite: 'same-origin' | 'cross-site' | undefined): typeof fetch {
    return (input, init) => {
      const headers = new Headers(init?.headers);
      const method = (init?.method ?? 'GET').toUpperCase();
      if (method !== 'GET') headers.set('origin', pageOrigin);
      if (fetchSite) headers.set('sec-fetch-site', fetchSite);
      return fetch(input, { ...init, headers });
    };
  }

  it.each([
    ['a current browser (Origin + Sec-Fetch-Site)', 'same-origin'],
    ['an older browser (Origin only)', undefined],
  ] as const)('given %s on the same origin, every call succeeds', async (_what, fetchSite) => {
    seen.length = 0;
    const api = createHostClient({ baseUrl: `${origin}${BASE}`, headers: { 'x-user': 'alice' }, fetch: browserFetch(origin, fetchSite) });
    await expect(api.listConnections()).resolves.toHaveLength(2);
    await expect(api.getConnection('a1')).resolves.toMatchObject({ id: 'a1' });
    await expect(api.repairConnection('a1')).resolves.toMatchObject({ connectionId: 'a1' });
    await expect(api.refreshConnection('a2')).resolves.toMatchObject({ requestId: expect.any(String) });
    await expect(api.updateConnectionProducts('a2', ['OWNERS'])).resolves.toMatchObject({ requestId: expect.any(String) });
    await expect(api.deleteConnection('a2')).resolves.toBeUndefined();
    expect(seen.filter((h) => h.origin).map((h) => h['content-type'])).toEqual(Array(4).fill('application/json'));
  });

  it('given the same client on a cross-site page, every change is refused as unauthorized (403) and Meld is not asked', async () => {
    const api = createHostClient({ baseUrl: `${origin}${BASE}`, headers: { 'x-user': 'alice' }, fetch: browserFetch('https://evil.example', 'cross-site') });
    await expect(api.repairConnection('a1')).rejects.toMatchObject({ kind: 'unauthorized', status: 403, code: 'ORIGIN_NOT_ALLOWED' });
    await expect(api.updateConnectionProducts('a2', ['OWNERS'])).rejects.toMatchObject({ status: 403 });
    expect(meld.mutations()).toEqual([]);
  });
});
