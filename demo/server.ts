/**
 * The demo's backend: what a host writes with `meld-reconnect-kit/server`,
 * pointed at the local Meld simulator from `meld-reconnect-kit/testing`
 * instead of Meld. `demo/launch.mjs` loads this file (through Vite, so it
 * runs from source) and routes requests to `handle`.
 *
 *   /api/meld/*     the host endpoint contract + the live /events stream (createReconnectHandler)
 *   /webhooks/meld  the simulator's signed webhooks (createWebhookHandler)
 *   /api/demo/*     the demo's own routes: config for the page, starting a new connection, reset
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createMeldClient,
  createMemoryEventBus,
  createMemoryRateLimiter,
  createReconnectHandler,
  createRepairLinks,
  createWebhookHandler,
  toNodeHandler,
  type RateLimiter,
} from 'meld-reconnect-kit/server';
import { createMeldSimulator, type MeldSimulator } from 'meld-reconnect-kit/testing';
import { DEMO_CUSTOMER, DEMO_CUSTOMERS, demoConnections, type DemoCustomer } from './connections.js';
import { createDemoClock, createOutbox, zonedTimeToUtc } from './outbox.js';
import type { BackendRequest, DemoConfig, DemoSession, OutboxClockChange } from './types.js';

export type { BackendRequest, DemoConfig };

export interface DemoBackendOptions {
  /** The demo server's own origin (`http://127.0.0.1:5173`): the webhook URL hangs off it. */
  origin: string;
  /** Ports of the simulator's API and widget page; 0 (default) picks free ones. */
  simulatorPort?: number | undefined;
  widgetPort?: number | undefined;
  /** The repair limit per connection. Defaults to 20 per 10 minutes (the kit's own default is 5 per 15). */
  repairRateLimit?: { limit: number; windowMs: number } | false | undefined;
  /** One line per webhook, new connection and error. */
  log?: ((line: string) => void) | undefined;
}

export interface DemoBackend {
  readonly simulator: MeldSimulator;
  readonly webhookUrl: string;
  readonly config: DemoConfig;
  /** Answers the request when it is one of the backend's routes; returns false otherwise. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  requests(): BackendRequest[];
  /** The simulator back to the demo's connections; institution messages and repair limits forgotten. */
  reset(): void;
  close(): Promise<void>;
}

/** The demo's session cookie: which customer this browser is signed in as (`out` after signing out). */
const SESSION_COOKIE = 'pebble_session';

/**
 * The signed-in customer: the session cookie's, Alex when there is none (so
 * the demo opens ready), nobody after signing out. A real host checks its own
 * signed session here; this cookie is not signed, since the demo has no secrets.
 */
/** Whether a demo POST says JSON, which a cross-site form cannot. */
function isJson(request: IncomingMessage): boolean {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** The page's clock move, checked: hours within a year, a local time in a real zone. */
function toClockChange(body: Record<string, unknown>): OutboxClockChange | undefined {
  if (body.real === true) return { real: true };
  if (typeof body.advanceHours === 'number' && Math.abs(body.advanceHours) <= 24 * 366) return { advanceHours: body.advanceHours };
  if (typeof body.local === 'string' && typeof body.timeZone === 'string') {
    let at: number | undefined;
    try {
      at = zonedTimeToUtc(body.local, body.timeZone);
    } catch {
      return undefined; // an unknown zone
    }
    return at === undefined ? undefined : { at };
  }
  return undefined;
}

function sessionCustomer(cookieHeader: string | null | undefined): DemoCustomer | null {
  const value = /(?:^|;\s*)pebble_session=([a-z]+)/.exec(cookieHeader ?? '')?.[1];
  if (value === undefined) return DEMO_CUSTOMER;
  return value === 'alex' || value === 'sam' ? DEMO_CUSTOMERS[value] : null;
}

const DEFAULT_REPAIR_LIMIT = { limit: 20, windowMs: 10 * 60_000 };
const DEFAULT_LOOKUP_LIMIT = { limit: 20, windowMs: 15 * 60_000 };
const MAX_DEMO_BODY = 4096;
const NEW_CONNECTION_PRODUCTS = ['BALANCES', 'TRANSACTIONS'];

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_DEMO_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A limiter that can be swapped on reset, so a demo reset also forgets repair counts. */
function resettableLimiter(options: { limit: number; windowMs: number } | false) {
  let current = options === false ? undefined : createMemoryRateLimiter(options);
  const limiter: RateLimiter = {
    take: (key, customer) => current?.take(key, customer) ?? { allowed: true },
    release: (key, customer) => current?.release(key, customer),
  };
  return { limiter, reset: () => void (current = options === false ? undefined : createMemoryRateLimiter(options)) };
}

export async function createDemoBackend(options: DemoBackendOptions): Promise<DemoBackend> {
  const log = options.log ?? (() => {});
  const origin = options.origin.replace(/\/+$/, '');
  const webhookUrl = `${origin}/webhooks/meld`;

  const simulator = await createMeldSimulator({
    port: options.simulatorPort ?? 0,
    widgetPort: options.widgetPort ?? 0,
    webhookUrl,
    connections: demoConnections(),
  });

  // Meld's client, pointed at the simulator. The key is the simulator's; in
  // production it is MELD_API_KEY and never leaves the server.
  const meld = createMeldClient({ baseUrl: simulator.url, apiKey: simulator.apiKey });
  // One bus shared by both handlers: a webhook published here reaches the page's SSE stream.
  const bus = createMemoryEventBus();
  const limits = resettableLimiter(options.repairRateLimit ?? DEFAULT_REPAIR_LIMIT);
  // Lookups that buy no repair (made-up ids, repairs over the limit): on with the repair limit, off without it.
  const lookups = resettableLimiter(options.repairRateLimit === false ? false : DEFAULT_LOOKUP_LIMIT);

  // The demo's session (a cookie naming Alex or Sam). A real host looks up its
  // own session here and answers null for a stranger.
  const authorize = (request: Request) => {
    const customer = sessionCustomer(request.headers.get('cookie'));
    return customer ? { externalCustomerId: customer.externalCustomerId } : null;
  };

  // Signed repair links for the Outbox's messages: the secret is made up per run here (a real host
  // keeps one in its secret store and rotates it with previousSecrets). The Outbox's clock drives
  // their expiry too, so moving it shows a link running out.
  const clock = createDemoClock();
  const repairLinks = createRepairLinks({ secret: randomBytes(32), linkUrl: `${origin}/`, now: clock.now });
  const outbox = createOutbox({ meld, clock, link: repairLinks.link });

  const api = createReconnectHandler({
    meld,
    authorize,
    basePath: '/api/meld',
    bus,
    // Popup mode's relay page (GET /api/meld/widget-relay) frames the widget: allow the simulator's plain-http origin.
    widgetRelay: { frameSources: [simulator.widgetOrigin] },
    repairRateLimit: limits.limiter,
    repairLookupRateLimit: lookups.limiter,
    // POST /api/meld/repair-links/redeem: the landing page trades a link for its connection, for its own customer only.
    repairLinks,
    // The bank's message for INSTITUTION_ACTION_REQUIRED is read from Meld's serviceProviderDetails
    // by default (the simulator puts it where Plaid does), so nothing is stored here.
    onError: (error, context) => log(`[api] ${context.route} ${context.status ?? ''} ${error instanceof Error ? error.message : String(error)}`),
  });

  const webhooks = createWebhookHandler({
    secret: simulator.webhookSecret,
    url: webhookUrl, // exactly the URL the simulator signs with, as registered with Meld
    bus,
    meld,
    onEvent: (event) => {
      const p = event.payload;
      if (event.eventType === 'BANK_LINKING_CONNECTION_STATUS_CHANGE' && typeof p.connectionId === 'string') outbox.statusChanged(p.connectionId);
      const change = p.newStatus ? ` ${String(p.oldStatus ?? '?')}/${String(p.oldStatusReason ?? '-')} -> ${String(p.newStatus)}/${String(p.newStatusReason ?? '-')}` : '';
      log(`[webhook] ${event.eventType.replace('BANK_LINKING_', '')} ${String(p.connectionId ?? '')}${change}`);
    },
    onError: (error, context) => log(`[webhook] ${context.phase} ${context.eventType} ${error instanceof Error ? error.message : String(error)}`),
  });

  const apiNode = toNodeHandler(api);
  const webhookNode = toNodeHandler(webhooks);
  const config: DemoConfig = {
    customers: Object.values(DEMO_CUSTOMERS).map(({ key, name }) => ({ key, name })),
    widgetHosts: [new URL(simulator.widgetOrigin).host],
    simulator: { apiUrl: `${simulator.url}/__sim`, controlUrl: simulator.controlUrl },
  };

  /** `POST /api/demo/connect`: a new Meld connection for Alex (connect/start), for what a repair cannot fix. */
  async function startConnection(request: IncomingMessage, response: ServerResponse) {
    const customer = sessionCustomer(request.headers.cookie);
    if (!customer) return json(response, 401, { code: 'UNAUTHORIZED', message: 'Sign in first.' });
    let body: Record<string, unknown>;
    try {
      body = await readJson(request);
    } catch {
      return json(response, 400, { code: 'BAD_REQUEST', message: 'Send JSON: { institutionId? }.' });
    }
    const institutionId = typeof body.institutionId === 'string' && /^[\w-]{1,100}$/.test(body.institutionId) ? body.institutionId : undefined;
    try {
      const session = await meld.startConnection({
        externalCustomerId: customer.externalCustomerId,
        products: NEW_CONNECTION_PRODUCTS,
        ...(institutionId ? { institutionId } : {}),
      });
      log(`[demo] new connection ${session.id}${institutionId ? ` at ${institutionId}` : ''}`);
      json(response, 201, { connectionId: session.id, widgetUrl: session.widgetUrl });
    } catch (error) {
      log(`[demo] connect/start failed: ${error instanceof Error ? error.message : String(error)}`);
      json(response, 502, { code: 'MELD_UNAVAILABLE', message: 'Meld did not start a connection.' });
    }
  }

  /** `GET /api/demo/session` and `POST /api/demo/session { customer: 'alex' | 'sam' | null }`: the demo's sign-in. */
  async function session(request: IncomingMessage, response: ServerResponse) {
    if (request.method === 'POST') {
      // JSON only: a cross-site form (text/plain) must not sign a browser in as someone (login CSRF).
      if (!isJson(request)) return json(response, 415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send JSON.' });
      let body: Record<string, unknown>;
      try {
        body = await readJson(request);
      } catch {
        return json(response, 400, { code: 'BAD_REQUEST', message: "Send JSON: { customer: 'alex' | 'sam' | null }." });
      }
      const key = body.customer === 'alex' || body.customer === 'sam' ? body.customer : body.customer === null ? 'out' : undefined;
      if (!key) return json(response, 400, { code: 'BAD_REQUEST', message: "Send JSON: { customer: 'alex' | 'sam' | null }." });
      response.setHeader('set-cookie', `${SESSION_COOKIE}=${key}; Path=/; HttpOnly; SameSite=Lax`);
      const signedIn = key === 'out' ? null : DEMO_CUSTOMERS[key];
      return json(response, 200, { customer: signedIn ? { key: signedIn.key, name: signedIn.name } : null } satisfies DemoSession);
    }
    const customer = sessionCustomer(request.headers.cookie);
    json(response, 200, { customer: customer ? { key: customer.key, name: customer.name } : null } satisfies DemoSession);
  }

  /** `GET /api/demo/outbox`, `POST /api/demo/outbox/send`, `POST /api/demo/outbox/clock`: the back office's view of the planner. */
  async function outboxRoute(request: IncomingMessage, response: ServerResponse, action: 'view' | 'send' | 'clock') {
    if (action !== 'view' && !isJson(request)) return json(response, 415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send JSON.' });
    try {
      if (action === 'clock') {
        let change: OutboxClockChange | undefined;
        try {
          change = toClockChange(await readJson(request));
        } catch {
          change = undefined;
        }
        if (!change) {
          return json(response, 400, { code: 'BAD_REQUEST', message: 'Send JSON: { real: true } | { advanceHours: n } | { local: "2026-12-03T22:30", timeZone }.' });
        }
        clock.set(change);
      }
      json(response, 200, action === 'send' ? await outbox.sendDue() : await outbox.view());
    } catch (error) {
      log(`[outbox] ${error instanceof Error ? error.message : String(error)}`);
      json(response, 502, { code: 'OUTBOX_FAILED', message: 'The planner could not read the connections.' });
    }
  }

  const history: BackendRequest[] = [];
  const MAX_HISTORY = 5000;

  /** The handler for a request, or undefined when it is not one of the backend's routes. */
  function routeFor(method: string, path: string): ((request: IncomingMessage, response: ServerResponse) => void) | undefined {
    if (path === '/api/meld' || path.startsWith('/api/meld/')) return apiNode;
    if (path === '/webhooks/meld') return webhookNode;
    if (path === '/api/demo/config' && method === 'GET') return (_, response) => json(response, 200, config);
    if (path === '/api/demo/connect' && method === 'POST') return (request, response) => void startConnection(request, response);
    if (path === '/api/demo/session' && (method === 'GET' || method === 'POST')) return (request, response) => void session(request, response);
    if (path === '/api/demo/outbox' && method === 'GET') return (request, response) => void outboxRoute(request, response, 'view');
    if (path === '/api/demo/outbox/send' && method === 'POST') return (request, response) => void outboxRoute(request, response, 'send');
    if (path === '/api/demo/outbox/clock' && method === 'POST') return (request, response) => void outboxRoute(request, response, 'clock');
    if (path === '/api/demo/reset' && method === 'POST') {
      return (_, response) => {
        reset();
        json(response, 200, { ok: true });
      };
    }
    if (path.startsWith('/api/') || path.startsWith('/webhooks/')) {
      return (_, response) => json(response, 404, { code: 'NOT_FOUND', message: 'No such route.' });
    }
    return undefined;
  }

  function reset() {
    simulator.reset(demoConnections());
    simulator.setWebhookUrl(webhookUrl);
    limits.reset();
    lookups.reset();
    outbox.reset();
    history.length = 0;
  }

  return {
    simulator,
    webhookUrl,
    config,
    handle(request, response) {
      const started = performance.now();
      const method = (request.method ?? 'GET').toUpperCase();
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const handler = routeFor(method, path);
      if (!handler) return false;
      response.once('close', () => {
        history.push({ method, path, status: response.statusCode, ms: performance.now() - started, at: Date.now() });
        if (history.length > MAX_HISTORY) history.splice(0, history.length - MAX_HISTORY);
      });
      handler(request, response);
      return true;
    },
    requests: () => [...history],
    reset,
    async close() {
      api.close(); // ends the open /events streams
      await simulator.close();
    },
  };
}
