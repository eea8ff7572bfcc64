// A small fake of Meld's bank-linking API (MELD.md §2) as a real HTTP server
// on 127.0.0.1: the calls the server helper makes, a request log (to assert
// headers, and that no mutation reached Meld on an IDOR attempt), and
// scriptable answers and delays. Test-only.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { MeldConnection } from '../../../src/server/index.js';

export const FAKE_KEY = 'sk_test_fake_meld_key_123';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface ScriptedAnswer {
  method?: string;
  /** Matches the path (string: exact; RegExp: test). */
  path?: string | RegExp;
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Never answer (until the server closes). */
  hang?: boolean;
  /** Close the socket without an answer. */
  destroy?: boolean;
  /** How many requests it answers. Defaults to 1. */
  times?: number;
}

export interface FakeMeld {
  url: string;
  connections: Map<string, MeldConnection>;
  requests: RecordedRequest[];
  add(...connections: MeldConnection[]): void;
  script(answer: ScriptedAnswer): void;
  /** Requests other than GETs (mutations) that reached the fake. */
  mutations(): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

const NOT_REPAIRABLE = new Set(['EXPIRED', 'DELETED', 'IN_PROGRESS']);
const REFRESHABLE = new Set(['ACTIVE', 'PARTIALLY_ACTIVE', 'DEGRADED', 'UNDETERMINED']);

export function meldConnection(id: string, externalCustomerId: string, extra: Partial<MeldConnection> = {}): MeldConnection {
  return {
    id,
    accountId: 'acct_host_1',
    customerId: `cus_${externalCustomerId}`,
    externalCustomerId,
    institutionId: 'inst_1',
    institutionName: 'First Test Bank',
    status: 'ACTIVE',
    statusReason: null,
    products: ['BALANCES', 'TRANSACTIONS'],
    optionalProducts: [],
    regions: ['US'],
    serviceProviderDetails: { serviceProvider: 'MX', internalToken: 'provider-secret' },
    createdAt: '2026-01-01T00:00:00Z',
    successfullyAggregatedAt: '2026-01-01T00:05:00Z',
    duplicateConnectionIds: null,
    activeDuplicateConnectionId: null,
    ...extra,
  };
}

export async function startFakeMeld(key = FAKE_KEY): Promise<FakeMeld> {
  const connections = new Map<string, MeldConnection>();
  const requests: RecordedRequest[] = [];
  let scripts: ScriptedAnswer[] = [];
  let seq = 0;
  const pending = new Set<() => void>();

  const error = (status: number, code: string, message: string) => ({
    status,
    body: { code, message, requestId: `req_${++seq}`, timestamp: new Date().toISOString() },
  });

  function answer(method: string, path: string, query: URLSearchParams, body: unknown): { status: number; body?: unknown } {
    const one = /^\/bank-linking\/connections\/([^/]+)(?:\/(refresh|update))?$/.exec(path);
    if (method === 'GET' && path === '/bank-linking/connections') {
      // As Meld's OpenAPI: limit 1..100 (default 10); the cursor is a listed connection's `key`
      // (here `pos_<n>`, deliberately unlike any id), before or after, never both; an id is refused.
      const customer = query.get('externalCustomerId');
      const limit = Number(query.get('limit') ?? 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(400, 'INVALID_REQUEST', 'limit is 1 to 100');
      const listed = [...connections.values()].map((c, position) => ({ ...c, key: `pos_${position}` }));
      const all = listed.filter((c) => customer === null || c.externalCustomerId === customer);
      const before = query.get('before');
      const after = query.get('after');
      if (before !== null && after !== null) return error(400, 'INVALID_REQUEST', 'before and after cannot be used together');
      const cursor = before ?? after;
      const position = cursor === null ? undefined : /^pos_(\d+)$/.exec(cursor)?.[1];
      if (cursor !== null && position === undefined) return error(400, 'INVALID_REQUEST', `${cursor} is not a key`);
      const at = Number(position);
      const rank = (c: { key: string }) => Number(c.key.slice(4));
      if (before !== null) {
        const earlier = all.filter((c) => rank(c) < at);
        const page = earlier.slice(Math.max(0, earlier.length - limit));
        return { status: 200, body: { count: page.length, remaining: earlier.length - page.length, connections: page } };
      }
      const later = after === null ? all : all.filter((c) => rank(c) > at);
      const page = later.slice(0, limit);
      return { status: 200, body: { count: page.length, remaining: later.length - page.length, connections: page } };
    }
    if (method === 'POST' && path === '/bank-linking/connect/repair') {
      const id = (body as { connectionId?: string } | undefined)?.connectionId ?? '';
      const connection = connections.get(id);
      if (!connection) return error(404, 'CONNECTION_NOT_FOUND', `No connection ${id}`);
      if (NOT_REPAIRABLE.has(connection.status)) return error(409, 'CONNECTION_NOT_REPAIRABLE', 'Start a new connection instead');
      return {
        status: 201,
        body: { id, connectToken: `ct_${++seq}`, institutionId: connection.institutionId, widgetUrl: `https://institution-connect-sb.meld.io/?connectToken=ct_${seq}` },
      };
    }
    if (method === 'POST' && path === '/bank-linking/connect/start') {
      const customer = (body as { externalCustomerId?: string }).externalCustomerId;
      const id = `conn_new_${++seq}`;
      return { status: 201, body: { id, connectToken: `ct_${seq}`, customerId: `cus_${customer}`, externalCustomerId: customer, widgetUrl: `https://institution-connect-sb.meld.io/?connectToken=ct_${seq}` } };
    }
    if (!one) return error(404, 'NOT_FOUND', 'No route');
    const id = decodeURIComponent(one[1]!);
    const connection = connections.get(id);
    if (!connection) return error(404, 'CONNECTION_NOT_FOUND', `No connection ${id}`);
    if (method === 'GET' && !one[2]) return { status: 200, body: connection };
    if (method === 'DELETE' && !one[2]) {
      if (connection.status === 'DELETED') return error(409, 'CONNECTION_ALREADY_DELETED', 'Already deleted');
      connections.set(id, { ...connection, status: 'DELETED', statusReason: null });
      return { status: 204 };
    }
    if (method === 'POST' && one[2] === 'refresh') {
      if (!REFRESHABLE.has(connection.status)) return error(409, 'CONNECTION_NOT_REFRESHABLE', 'Cannot refresh');
      return { status: 202, body: { requestId: `req_refresh_${++seq}` } };
    }
    if (method === 'POST' && one[2] === 'update') {
      const products = (body as { products?: unknown } | undefined)?.products;
      if (!Array.isArray(products) || products.length === 0) return error(400, 'INVALID_PRODUCTS', 'products is required');
      return { status: 202, body: { requestId: `req_update_${++seq}` } };
    }
    return error(405, 'METHOD_NOT_ALLOWED', 'No such method');
  }

  const server: Server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body });

    const scripted = scripts.find(
      (s) =>
        (s.method === undefined || s.method === method) &&
        (s.path === undefined || (typeof s.path === 'string' ? s.path === url.pathname : s.path.test(url.pathname))),
    );
    if (scripted) {
      scripted.times = (scripted.times ?? 1) - 1;
      if (scripted.times <= 0) scripts = scripts.filter((s) => s !== scripted);
      if (scripted.hang) {
        await new Promise<void>((resolve) => {
          pending.add(resolve);
          req.socket.once('close', () => {
            pending.delete(resolve);
            resolve();
          });
        });
        return;
      }
      if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      if (scripted.destroy) return void req.socket.destroy();
      if (scripted.status !== undefined) {
        res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
        return void res.end(scripted.text ?? (scripted.body === undefined ? undefined : JSON.stringify(scripted.body)));
      }
    }
    if (req.headers.authorization !== `BASIC ${key}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(error(401, 'UNAUTHORIZED', 'Bad API key').body));
    }
    const out = answer(method, url.pathname, url.searchParams, body);
    res.writeHead(out.status, out.body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(out.body === undefined ? undefined : JSON.stringify(out.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    url,
    connections,
    requests,
    add: (...list) => list.forEach((c) => connections.set(c.id, c)),
    script: (scripted) => void scripts.push({ ...scripted }),
    mutations: () => requests.filter((r) => r.method !== 'GET'),
    reset() {
      connections.clear();
      requests.length = 0;
      scripts = [];
    },
    async close() {
      for (const resolve of pending) resolve();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
