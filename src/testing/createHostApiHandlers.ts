// Types only: msw is handed in by the entry that loads it (statically in `meld-reconnect-kit/testing/msw`,
// on first use in `meld-reconnect-kit/testing`), so the simulator never needs it.
import type { delay as mswDelay, http as mswHttp, HttpHandler, HttpResponse as MswHttpResponse } from 'msw';
import type { Connection } from '../core/types.js';
import { MeldTestingError } from './MeldTestingError.js';
import { checkStatus, defaultReason, NOT_REPAIRABLE, NOT_UPDATABLE, randomId, REFRESHABLE } from './statusRules.js';

/** What the handlers use of msw 2. Internal. */
export interface MswApi {
  delay: typeof mswDelay;
  http: typeof mswHttp;
  HttpResponse: typeof MswHttpResponse;
}

/**
 * What `POST {base}/connections/:id/repair` answers: a session (`ok`),
 * nothing ever (`hang`), a session whose widget URL the kit must refuse
 * (`unsafe-widget-url`, a lookalike of Meld's host), a session without a
 * widget URL (`no-widget-url`, as Meld's 2022 answers), or an error status.
 * A connection in EXPIRED, DELETED or IN_PROGRESS answers 409 unless scripted otherwise.
 */
export type HostRepairAnswer = 'ok' | 'hang' | 'unsafe-widget-url' | 'no-widget-url' | 404 | 409 | 429 | 500;

/** What `POST {base}/connections/:id/refresh` answers. A status Meld does not refresh always answers 409. */
export type HostRefreshAnswer = 'ok' | 'hang' | 404 | 409 | 429 | 500;

/**
 * What `POST {base}/repair-links/redeem` answers for a link it knows: the
 * connection (`ok`, which uses the link up), nothing ever (`hang`), or an
 * error status, which leaves the link unused (so a retry can redeem it).
 * Unknown, used and malformed links always answer 404 `REPAIR_LINK_INVALID`.
 */
export type HostRedeemAnswer = 'ok' | 'hang' | 401 | 403 | 429 | 500 | 502 | 504;

/** The routes of the host endpoint contract. */
export type HostApiRoute = 'list' | 'get' | 'repair' | 'refresh' | 'update' | 'delete' | 'events' | 'redeem';

/** A request the mock received. */
export interface HostApiRequest {
  route: HostApiRoute;
  method: string;
  /** Relative to the base URL, e.g. `/connections/conn_1/repair`. */
  path: string;
  /** `'POST /connections/conn_1/repair'`: what `count()` matches. */
  key: string;
  connectionId: string | undefined;
  /** The JSON body, if any. */
  body: unknown;
  /** The status answered; `undefined` while the answer is pending (or hangs). */
  status: number | undefined;
  /** ISO-8601, when it arrived. */
  at: string;
}

/** Per-connection answers: a map by connection id, or a function (`undefined` means the default). */
export type PerConnection<Answer> = Readonly<Record<string, Answer>> | ((connectionId: string) => Answer | undefined);

/** Options for {@link hostApiHandlers}. */
export interface HostApiHandlersOptions {
  /**
   * Where the contract is mounted. Defaults to `'/api/meld'`. In Node (Vitest,
   * Jest) a path matches on any origin; in a browser, on the page's own. Give
   * an absolute URL (`'http://localhost/api/meld'`) to match one origin only.
   */
  baseUrl?: string | undefined;
  /** The connections the backend starts with (and `reset()` returns to). Copied. */
  connections?: readonly Connection[] | undefined;
  /** The widget URL of a repair session. Defaults to Meld's sandbox widget with the token. */
  widgetUrl?: ((connectionId: string, session: { connectToken: string }) => string) | undefined;
  /** Scripted repair answers. Defaults to `'ok'`. */
  repair?: PerConnection<HostRepairAnswer> | undefined;
  /** Scripted refresh answers. Defaults to `'ok'`. */
  refresh?: PerConnection<HostRefreshAnswer> | undefined;
  /**
   * Repair links the backend redeems at `POST {base}/repair-links/redeem`, as
   * token -> connection id. Each redeems once, as a signed single-use link
   * does; any other token, a second use, or a link whose connection the
   * backend no longer has answers 404 `{ code: 'REPAIR_LINK_INVALID' }`, alike.
   */
  repairLinks?: Readonly<Record<string, string>> | undefined;
  /** Scripted redeem answers, for every link or per token. Defaults to `'ok'`. */
  redeem?: HostRedeemAnswer | ((token: string) => HostRedeemAnswer | undefined) | undefined;
  /** Time every answer takes (to see busy states). Defaults to 0. */
  latencyMs?: number | undefined;
  /** `Retry-After` of a 429. Defaults to 120 s. */
  retryAfterSeconds?: number | undefined;
  /** Serve `GET {base}/events` (Server-Sent Events fed by `setStatus`). Defaults to `true`. */
  events?: boolean | undefined;
  /** Called as each request arrives (before its answer). */
  onRequest?: ((request: HostApiRequest) => void) | undefined;
}

/** An in-memory host backend, as MSW handlers. */
export interface HostApiHandlers {
  /** Pass to `setupServer(...handlers)`, `setupWorker(...handlers)` or `parameters.msw`. */
  readonly handlers: HttpHandler[];
  /** The base URL as given (or the default). */
  readonly baseUrl: string;
  /** Answers a request of the contract without MSW (e.g. from your own dispatching handler); `undefined` when it is not one. */
  handle(request: Request): Promise<Response | undefined>;
  /**
   * Changes a connection's status as a webhook would have told the backend,
   * and pushes the change to open `/events` streams. Without `statusReason`,
   * the status's default reason from STATUS_TABLE. Returns the updated copy.
   */
  setStatus(connectionId: string, status: string, statusReason?: string | null, extra?: { institutionMessage?: string | undefined }): Connection;
  /** Copies of the backend's connections. */
  connections(): Connection[];
  /** A copy of one connection. */
  getConnection(connectionId: string): Connection | undefined;
  /** Adds a connection (copied). */
  addConnection(connection: Connection): Connection;
  /** Scripts a connection's repair answers from now on (`undefined`: back to the options). */
  scriptRepair(connectionId: string, answer: HostRepairAnswer | undefined): void;
  /** Scripts a connection's refresh answers from now on (`undefined`: back to the options). */
  scriptRefresh(connectionId: string, answer: HostRefreshAnswer | undefined): void;
  /** Adds a repair link (unused) for a connection, as the host's mailer would issue one. */
  addRepairLink(token: string, connectionId: string): void;
  /** Scripts every redeem answer from now on (`undefined`: back to the options). */
  scriptRedeem(answer: HostRedeemAnswer | undefined): void;
  /** Every request received, oldest first. */
  requests(): HostApiRequest[];
  /** How many requests matched `key`, e.g. `'POST /connections/conn_1/repair'`. */
  count(key: string): number;
  /**
   * Back to the given connections (else the initial ones) and the initial repair links, all unused;
   * forgets requests and scripts set since. Open streams stay open.
   */
  reset(connections?: readonly Connection[]): void;
}

const REPAIR_ANSWERS: ReadonlySet<unknown> = new Set(['ok', 'hang', 'unsafe-widget-url', 'no-widget-url', 404, 409, 429, 500]);
const REFRESH_ANSWERS: ReadonlySet<unknown> = new Set(['ok', 'hang', 404, 409, 429, 500]);
const REDEEM_ANSWERS: ReadonlySet<unknown> = new Set(['ok', 'hang', 401, 403, 429, 500, 502, 504]);

const ERRORS: Record<number, { code: string; message: string }> = {
  400: { code: 'BAD_REQUEST', message: 'The request is not valid.' },
  401: { code: 'UNAUTHORIZED', message: 'The customer is not signed in.' },
  403: { code: 'FORBIDDEN', message: 'Not allowed.' },
  404: { code: 'CONNECTION_NOT_FOUND', message: 'No such connection.' },
  409: { code: 'CONFLICT', message: "The connection's status does not allow this." },
  429: { code: 'RATE_LIMITED', message: 'Too many requests for this connection. Try again later.' },
  500: { code: 'INTERNAL', message: 'Something went wrong on our side.' },
  502: { code: 'MELD_UNAVAILABLE', message: 'The bank-linking service is unavailable. Try again later.' },
  504: { code: 'MELD_TIMEOUT', message: 'The bank-linking service did not answer in time. Try again.' },
};

/** Every refused link answers the same, whatever the reason. */
const INVALID_LINK = { code: 'REPAIR_LINK_INVALID', message: 'This link cannot be used.' } as const;

function copyOf(connection: Connection): Connection {
  return structuredClone(connection);
}

function checkConnections(connections: unknown, where: string): readonly Connection[] {
  if (!Array.isArray(connections)) {
    throw new MeldTestingError('invalid-option', `${where} must be an array of connections, e.g. [{ id: 'conn_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }].`);
  }
  const seen = new Set<string>();
  connections.forEach((connection: Partial<Connection> | null, index) => {
    if (typeof connection?.id !== 'string' || connection.id.length === 0 || typeof connection.status !== 'string') {
      throw new MeldTestingError('invalid-option', `${where}[${index}] needs at least { id, status }, e.g. { id: 'conn_1', status: 'ACTIVE', statusReason: null }.`);
    }
    if (seen.has(connection.id)) throw new MeldTestingError('duplicate-connection', `${where}[${index}]: the id ${connection.id} is used twice.`);
    seen.add(connection.id);
  });
  return connections as readonly Connection[];
}

function checkRepairLinks(links: unknown, where = "hostApiHandlers' repairLinks"): Map<string, string> {
  if (links === undefined) return new Map();
  if (typeof links !== 'object' || links === null || Array.isArray(links)) {
    throw new MeldTestingError('invalid-option', `${where} maps each link's token to its connection id, e.g. { tok_1: 'conn_1' }.`);
  }
  const entries = Object.entries(links);
  for (const [token, connectionId] of entries) {
    if (token === '' || typeof connectionId !== 'string' || connectionId === '') {
      throw new MeldTestingError('invalid-option', `${where}: ${JSON.stringify(token)} must map to a connection id (a non-empty string), not ${JSON.stringify(connectionId)}.`);
    }
  }
  return new Map(entries as Array<[string, string]>);
}

function answerFor<Answer>(script: PerConnection<Answer> | undefined, overrides: Map<string, Answer>, connectionId: string): Answer | undefined {
  if (overrides.has(connectionId)) return overrides.get(connectionId);
  if (typeof script === 'function') return script(connectionId);
  return script && Object.hasOwn(script, connectionId) ? script[connectionId] : undefined;
}

/** `hostApiHandlers` with the msw it runs on. Internal: the entries pass msw in. */
export function createHostApiHandlers(msw: MswApi, options: HostApiHandlersOptions = {}): HostApiHandlers {
  const { delay, http, HttpResponse } = msw;
  const baseUrl = (options.baseUrl ?? '/api/meld').replace(/\/+$/, '');
  const absolute = /^https?:\/\//i.test(baseUrl);
  if (typeof options.baseUrl === 'string' ? !(absolute ? URL.canParse(baseUrl) : baseUrl.startsWith('/')) : options.baseUrl !== undefined) {
    throw new MeldTestingError('invalid-option', `hostApiHandlers' baseUrl is the path your ReconnectKitProvider's baseUrl points at, e.g. '/api/meld' or 'http://localhost/api/meld'; not ${JSON.stringify(options.baseUrl)}.`);
  }
  const basePath = absolute ? new URL(baseUrl).pathname.replace(/\/+$/, '') : baseUrl;
  const baseOrigin = absolute ? new URL(baseUrl).origin : undefined;
  const latencyMs = options.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0)) {
    throw new MeldTestingError('invalid-option', `hostApiHandlers' latencyMs must be 0 or more milliseconds, not ${JSON.stringify(options.latencyMs)}.`);
  }
  if (options.widgetUrl !== undefined && typeof options.widgetUrl !== 'function') {
    throw new MeldTestingError('invalid-option', "hostApiHandlers' widgetUrl is a function: (connectionId, { connectToken }) => string.");
  }
  for (const [name, script, allowed] of [
    ['repair', options.repair, REPAIR_ANSWERS],
    ['refresh', options.refresh, REFRESH_ANSWERS],
  ] as const) {
    if (script === undefined || typeof script === 'function') continue;
    for (const [id, answer] of Object.entries(script)) {
      if (!allowed.has(answer)) {
        throw new MeldTestingError('invalid-option', `hostApiHandlers' ${name}.${id} is one of ${[...allowed].map((a) => JSON.stringify(a)).join(', ')}, not ${JSON.stringify(answer)}.`);
      }
    }
  }
  if (options.redeem !== undefined && typeof options.redeem !== 'function' && !REDEEM_ANSWERS.has(options.redeem)) {
    throw new MeldTestingError('invalid-option', `hostApiHandlers' redeem is one of ${[...REDEEM_ANSWERS].map((a) => JSON.stringify(a)).join(', ')} (or a function of the token), not ${JSON.stringify(options.redeem)}.`);
  }
  const initialLinks = checkRepairLinks(options.repairLinks);
  const links = new Map(initialLinks);
  const usedLinks = new Set<string>();
  let redeemOverride: HostRedeemAnswer | undefined;
  const retryAfter = String(options.retryAfterSeconds ?? 120);
  let initial = checkConnections(options.connections ?? [], "hostApiHandlers' connections");
  const store = new Map<string, Connection>();
  const repairOverrides = new Map<string, HostRepairAnswer>();
  const refreshOverrides = new Map<string, HostRefreshAnswer>();
  const log: HostApiRequest[] = [];
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  let eventSeq = 0;

  const load = (connections: readonly Connection[]) => {
    store.clear();
    for (const connection of connections) store.set(connection.id, copyOf(connection));
  };
  load(initial);

  const error = (status: number, code?: string, message?: string, headers: Record<string, string> = {}) => {
    const known = ERRORS[status] ?? { code: 'ERROR', message: 'Refused.' };
    return HttpResponse.json(
      { code: code ?? known.code, message: message ?? known.message, requestId: randomId('req_') },
      { status, headers: { 'cache-control': 'no-store', ...(status === 429 ? { 'retry-after': retryAfter } : {}), ...headers } },
    );
  };
  const json = (status: number, body: unknown) => HttpResponse.json(body as Record<string, unknown>, { status, headers: { 'cache-control': 'no-store' } });

  function push(event: Record<string, unknown>): void {
    eventSeq += 1;
    const chunk = encoder.encode(`id: ${eventSeq}\ndata: ${JSON.stringify(event)}\n\n`);
    for (const controller of streams) {
      try {
        controller.enqueue(chunk);
      } catch {
        streams.delete(controller);
      }
    }
  }

  function eventStream(request: Request): Response {
    let self: ReadableStreamDefaultController<Uint8Array> | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        self = controller;
        streams.add(controller);
        controller.enqueue(encoder.encode('retry: 1000\n: connected\n\n'));
      },
      cancel() {
        if (self) streams.delete(self);
      },
    });
    request.signal.addEventListener('abort', () => {
      if (!self) return;
      streams.delete(self);
      try {
        self.close();
      } catch {
        // already closed
      }
    });
    return new HttpResponse(stream, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
  }

  async function readBody(request: Request): Promise<unknown> {
    const text = await request.text().catch(() => '');
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  async function answer(route: HostApiRoute, request: Request, connectionId: string | undefined, path: string): Promise<Response> {
    const method = request.method.toUpperCase();
    const body = method === 'GET' || method === 'DELETE' ? undefined : await readBody(request);
    const record: HostApiRequest = { route, method, path, key: `${method} ${path}`, connectionId, body, status: undefined, at: new Date().toISOString() };
    log.push(record);
    options.onRequest?.(record);
    if (route === 'events') {
      record.status = 200;
      return eventStream(request);
    }
    if (latencyMs > 0) await delay(latencyMs);
    const response = await respond(route, connectionId, body);
    record.status = response.status;
    return response;
  }

  async function redeem(body: unknown): Promise<Response> {
    const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
    const connectionId = typeof token === 'string' ? links.get(token) : undefined;
    const connection = connectionId === undefined ? undefined : store.get(connectionId);
    if (typeof token !== 'string' || !connection || usedLinks.has(token)) return error(404, INVALID_LINK.code, INVALID_LINK.message);
    const scripted = redeemOverride ?? (typeof options.redeem === 'function' ? options.redeem(token) : options.redeem) ?? 'ok';
    if (scripted === 'hang') await delay('infinite');
    if (typeof scripted === 'number') return error(scripted);
    usedLinks.add(token);
    return json(200, { connectionId: connection.id, connection: copyOf(connection) });
  }

  async function respond(route: HostApiRoute, id: string | undefined, body: unknown): Promise<Response> {
    if (route === 'list') return json(200, { connections: [...store.values()].map(copyOf) });
    if (route === 'redeem') return redeem(body);
    const connection = id === undefined ? undefined : store.get(id);
    if (!connection || id === undefined) return error(404);
    switch (route) {
      case 'get':
        return json(200, copyOf(connection));
      case 'repair': {
        const scripted = answerFor(options.repair, repairOverrides, id) ?? 'ok';
        if (scripted === 'hang') await delay('infinite');
        if (typeof scripted === 'number') return error(scripted, scripted === 409 ? 'CONNECTION_NOT_REPAIRABLE' : undefined);
        if (NOT_REPAIRABLE.has(connection.status)) {
          return error(409, 'CONNECTION_NOT_REPAIRABLE', `A connection in ${connection.status} cannot be repaired: start a new connection instead.`);
        }
        const connectToken = randomId('ct_');
        const widgetUrl =
          scripted === 'unsafe-widget-url'
            ? // A lookalike of Meld's host: the kit must refuse to open it.
              `https://meld.io.example.net/?connectToken=${connectToken}`
            : (options.widgetUrl?.(id, { connectToken }) ?? `https://institution-connect-sb.meld.io/?connectToken=${connectToken}`);
        return json(200, {
          connectionId: id,
          connectToken,
          ...(scripted === 'no-widget-url' ? {} : { widgetUrl }),
          ...(connection.institutionId ? { institutionId: connection.institutionId } : {}),
        });
      }
      case 'refresh': {
        if (!REFRESHABLE.has(connection.status)) {
          return error(409, 'CONNECTION_NOT_REFRESHABLE', `A connection in ${connection.status} cannot be refreshed.`);
        }
        const scripted = answerFor(options.refresh, refreshOverrides, id) ?? 'ok';
        if (scripted === 'hang') await delay('infinite');
        return typeof scripted === 'number' ? error(scripted) : json(202, { requestId: randomId('req_') });
      }
      case 'update': {
        const products = typeof body === 'object' && body !== null ? (body as { products?: unknown }).products : undefined;
        if (!Array.isArray(products) || products.length === 0 || !products.every((p) => typeof p === 'string')) {
          return error(400, 'BAD_REQUEST', 'products must be a non-empty array of product names, e.g. ["INVESTMENT_HOLDINGS"].');
        }
        if (NOT_UPDATABLE.has(connection.status)) return error(409);
        const known = new Set([...(connection.products ?? []), ...(connection.optionalProducts ?? [])]);
        connection.optionalProducts = [...(connection.optionalProducts ?? []), ...products.filter((p: string) => !known.has(p))];
        return json(202, { requestId: randomId('req_') });
      }
      case 'delete': {
        if (connection.status === 'DELETED') return error(409, 'CONNECTION_ALREADY_DELETED', 'The connection is already deleted.');
        connection.status = 'DELETED';
        connection.statusReason = null;
        delete connection.institutionMessage;
        push({ eventType: 'BANK_LINKING_CONNECTION_DELETED', eventId: randomId(), timestamp: new Date().toISOString(), payload: { connectionId: id } });
        return new HttpResponse(null, { status: 204, headers: { 'cache-control': 'no-store' } });
      }
      default:
        return error(404);
    }
  }

  /** The contract's route for a path under the base, if it is one. */
  function match(method: string, rest: string): { route: HostApiRoute; id?: string } | undefined {
    if (rest === '/connections') return method === 'GET' ? { route: 'list' } : undefined;
    if (rest === '/events') return method === 'GET' && options.events !== false ? { route: 'events' } : undefined;
    if (rest === '/repair-links/redeem') return method === 'POST' ? { route: 'redeem' } : undefined;
    const found = /^\/connections\/([^/]+)(?:\/(repair|refresh|update))?$/.exec(rest);
    if (!found) return undefined;
    let id: string;
    try {
      id = decodeURIComponent(found[1]!);
    } catch {
      return undefined;
    }
    const action = found[2] as 'repair' | 'refresh' | 'update' | undefined;
    if (action) return method === 'POST' ? { route: action, id } : undefined;
    if (method === 'GET') return { route: 'get', id };
    if (method === 'DELETE') return { route: 'delete', id };
    return undefined;
  }

  async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (baseOrigin !== undefined && url.origin !== baseOrigin) return undefined;
    if (!url.pathname.startsWith(`${basePath}/`)) return undefined;
    const rest = url.pathname.slice(basePath.length).replace(/\/+$/, '');
    const found = match(request.method.toUpperCase(), rest);
    return found ? answer(found.route, request, found.id, rest) : undefined;
  }

  // In Node there is no page origin to resolve a path against: match it on any origin.
  const pattern = !absolute && typeof location === 'undefined' ? `*${baseUrl}` : baseUrl;
  const via = ({ request }: { request: Request }) => handle(request);
  const handlers: HttpHandler[] = [
    http.get(`${pattern}/connections`, via),
    http.get(`${pattern}/connections/:id`, via),
    http.post(`${pattern}/connections/:id/repair`, via),
    http.post(`${pattern}/connections/:id/refresh`, via),
    http.post(`${pattern}/connections/:id/update`, via),
    http.delete(`${pattern}/connections/:id`, via),
    http.post(`${pattern}/repair-links/redeem`, via),
  ];
  if (options.events !== false) handlers.push(http.get(`${pattern}/events`, via));

  const requireConnection = (id: string, where: string): Connection => {
    const connection = store.get(id);
    if (!connection) throw new MeldTestingError('unknown-connection', `${where}: no connection ${JSON.stringify(id)}; the mock has ${store.size === 0 ? 'none' : [...store.keys()].slice(0, 10).join(', ')}.`);
    return connection;
  };

  return {
    handlers,
    baseUrl,
    handle,
    setStatus(connectionId, status, statusReason, extra) {
      checkStatus(status, statusReason, 'setStatus');
      const connection = requireConnection(connectionId, 'setStatus');
      const reason = statusReason === undefined ? defaultReason(status) : statusReason;
      const payload: Record<string, unknown> = {
        connectionId,
        oldStatus: connection.status,
        oldStatusReason: connection.statusReason ?? null,
        newStatus: status,
        newStatusReason: reason,
        ...(connection.institutionId ? { institutionId: connection.institutionId } : {}),
      };
      connection.status = status;
      connection.statusReason = reason;
      if (extra?.institutionMessage) {
        connection.institutionMessage = extra.institutionMessage;
        payload.institutionMessage = extra.institutionMessage;
      } else delete connection.institutionMessage;
      push({ eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: randomId(), timestamp: new Date().toISOString(), payload });
      return copyOf(connection);
    },
    connections: () => [...store.values()].map(copyOf),
    getConnection(connectionId) {
      const connection = store.get(connectionId);
      return connection ? copyOf(connection) : undefined;
    },
    addConnection(connection) {
      checkConnections([connection], 'addConnection');
      if (store.has(connection.id)) throw new MeldTestingError('duplicate-connection', `addConnection: a connection ${connection.id} exists already.`);
      store.set(connection.id, copyOf(connection));
      return copyOf(connection);
    },
    scriptRepair(connectionId, scripted) {
      if (scripted === undefined) repairOverrides.delete(connectionId);
      else if (!REPAIR_ANSWERS.has(scripted)) throw new MeldTestingError('invalid-option', `scriptRepair: ${JSON.stringify(scripted)} is not a repair answer.`);
      else repairOverrides.set(connectionId, scripted);
    },
    scriptRefresh(connectionId, scripted) {
      if (scripted === undefined) refreshOverrides.delete(connectionId);
      else if (!REFRESH_ANSWERS.has(scripted)) throw new MeldTestingError('invalid-option', `scriptRefresh: ${JSON.stringify(scripted)} is not a refresh answer.`);
      else refreshOverrides.set(connectionId, scripted);
    },
    addRepairLink(token, connectionId) {
      checkRepairLinks({ [token]: connectionId }, 'addRepairLink');
      links.set(token, connectionId);
      usedLinks.delete(token);
    },
    scriptRedeem(scripted) {
      if (scripted !== undefined && !REDEEM_ANSWERS.has(scripted)) throw new MeldTestingError('invalid-option', `scriptRedeem: ${JSON.stringify(scripted)} is not a redeem answer.`);
      redeemOverride = scripted;
    },
    requests: () => log.map((record) => ({ ...record })),
    count: (key) => log.filter((record) => record.key === key).length,
    reset(connections) {
      if (connections !== undefined) initial = checkConnections(connections, 'reset(connections)');
      load(initial);
      log.length = 0;
      repairOverrides.clear();
      refreshOverrides.clear();
      links.clear();
      for (const [token, connectionId] of initialLinks) links.set(token, connectionId);
      usedLinks.clear();
      redeemOverride = undefined;
    },
  };
}
