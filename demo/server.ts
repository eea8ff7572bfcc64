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
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createMeldClient,
  createMemoryEventBus,
  createMemoryRateLimiter,
  createReconnectHandler,
  createWebhookHandler,
  toNodeHandler,
  type RateLimiter,
} from 'meld-reconnect-kit/server';
import { createMeldSimulator, type MeldSimulator } from 'meld-reconnect-kit/testing';
import { DEMO_CUSTOMER, demoConnections } from './connections.js';
import type { BackendRequest, DemoConfig } from './types.js';

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

  // A fixed demo session: every request is Alex's. A real host looks up its
  // own session (cookie) here and answers null for a stranger.
  const authorize = () => ({ externalCustomerId: DEMO_CUSTOMER.externalCustomerId });

  const api = createReconnectHandler({
    meld,
    authorize,
    basePath: '/api/meld',
    bus,
    // Popup mode's relay page (GET /api/meld/widget-relay) frames the widget: allow the simulator's plain-http origin.
    widgetRelay: { frameSources: [simulator.widgetOrigin] },
    repairRateLimit: limits.limiter,
    repairLookupRateLimit: lookups.limiter,
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
      const change = p.newStatus ? ` ${String(p.oldStatus ?? '?')}/${String(p.oldStatusReason ?? '-')} -> ${String(p.newStatus)}/${String(p.newStatusReason ?? '-')}` : '';
      log(`[webhook] ${event.eventType.replace('BANK_LINKING_', '')} ${String(p.connectionId ?? '')}${change}`);
    },
    onError: (error, context) => log(`[webhook] ${context.phase} ${context.eventType} ${error instanceof Error ? error.message : String(error)}`),
  });

  const apiNode = toNodeHandler(api);
  const webhookNode = toNodeHandler(webhooks);
  const config: DemoConfig = {
    customer: { name: DEMO_CUSTOMER.name },
    widgetHosts: [new URL(simulator.widgetOrigin).host],
    simulator: { apiUrl: `${simulator.url}/__sim`, controlUrl: simulator.controlUrl },
  };

  /** `POST /api/demo/connect`: a new Meld connection for Alex (connect/start), for what a repair cannot fix. */
  async function startConnection(request: IncomingMessage, response: ServerResponse) {
    let body: Record<string, unknown>;
    try {
      body = await readJson(request);
    } catch {
      return json(response, 400, { code: 'BAD_REQUEST', message: 'Send JSON: { institutionId? }.' });
    }
    const institutionId = typeof body.institutionId === 'string' && /^[\w-]{1,100}$/.test(body.institutionId) ? body.institutionId : undefined;
    try {
      const session = await meld.startConnection({
        externalCustomerId: authorize().externalCustomerId,
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

  const history: BackendRequest[] = [];
  const MAX_HISTORY = 5000;

  /** The handler for a request, or undefined when it is not one of the backend's routes. */
  function routeFor(method: string, path: string): ((request: IncomingMessage, response: ServerResponse) => void) | undefined {
    if (path === '/api/meld' || path.startsWith('/api/meld/')) return apiNode;
    if (path === '/webhooks/meld') return webhookNode;
    if (path === '/api/demo/config' && method === 'GET') return (_, response) => json(response, 200, config);
    if (path === '/api/demo/connect' && method === 'POST') return (request, response) => void startConnection(request, response);
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
