// The control API under `${url}/__sim/`: JSON for the demo's control panel,
// scripts and people. Any origin may call it (CORS `*`): it is a local test
// tool on 127.0.0.1 and holds no secret. The Meld API routes never send CORS.
import { STATUS_TABLE } from '../core/statusTable.js';
import { controlPageResponse } from './controlPage.js';
import { MeldTestingError } from './MeldTestingError.js';
import { WIDGET_BEHAVIOURS } from './SimulatorCore.js';
import type { MeldSimulator, SimulatedOperation, WidgetBehaviour } from './simulatorTypes.js';

/** Where the control page and API live on the simulator's port. */
export const CONTROL_PREFIX = '/__sim';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...CORS },
  });
}

function fail(status: number, code: string, message: string): Response {
  return json(status, { code, message });
}

function withCors(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [key, value] of Object.entries(CORS)) headers.set(key, value);
  return new Response(response.body, { status: response.status, headers });
}

type Body = Record<string, unknown>;

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** Makes the control API (and page) as a fetch-standard handler for paths under `/__sim`. */
export function createControlApi(simulator: MeldSimulator): (request: Request) => Promise<Response> {
  const state = () => ({
    url: simulator.url,
    widgetOrigin: simulator.widgetOrigin,
    controlUrl: simulator.controlUrl,
    webhookUrl: simulator.webhookUrl ?? null,
    connections: simulator.listConnections(),
    statusTable: STATUS_TABLE.map(({ status, reason, description, canRefresh, canReconnect }) => ({ status, reason, description, canRefresh, canReconnect })),
    behaviours: WIDGET_BEHAVIOURS,
  });

  async function route(method: string, path: string, body: Body): Promise<Response> {
    if (path === '/' && method === 'GET') return withCors(controlPageResponse());
    if (path === '/state' && method === 'GET') return json(200, state());
    if (path === '/status-table' && method === 'GET') return json(200, { rows: state().statusTable });
    if (path === '/requests' && method === 'GET') return json(200, { requests: simulator.requests() });
    if (path === '/webhooks' && method === 'GET') return json(200, { webhooks: simulator.webhooks() });
    if (path === '/webhook-url') {
      if (method === 'PUT' || method === 'POST') {
        simulator.setWebhookUrl(optionalString(body.url));
        return json(200, { webhookUrl: simulator.webhookUrl ?? null });
      }
      if (method === 'GET') return json(200, { webhookUrl: simulator.webhookUrl ?? null });
    }
    if (path === '/reset' && method === 'POST') {
      simulator.reset(Array.isArray(body.connections) ? body.connections : undefined);
      return json(200, { connections: simulator.listConnections() });
    }
    if (path === '/fail-next' && method === 'POST') {
      simulator.failNext(body.operation as SimulatedOperation, {
        status: body.status as number,
        connectionId: optionalString(body.connectionId),
        retryAfterSeconds: typeof body.retryAfterSeconds === 'number' ? body.retryAfterSeconds : undefined,
        code: optionalString(body.code),
      });
      return json(200, { scripted: true });
    }
    const redeliver = /^\/webhooks\/([^/]+)\/redeliver$/.exec(path);
    if (redeliver && method === 'POST') {
      return json(200, { webhook: await simulator.redeliverWebhook(decodeURIComponent(redeliver[1]!)) });
    }
    if (path === '/connections') {
      if (method === 'GET') return json(200, { connections: simulator.listConnections() });
      if (method === 'POST') return json(201, { connection: simulator.addConnection(body as never) });
    }
    const one = /^\/connections\/([^/]+)(?:\/(status|widget|fail-next-refresh|refresh-script))?$/.exec(path);
    if (one) {
      const id = decodeURIComponent(one[1]!);
      const action = one[2];
      if (!action && method === 'GET') {
        const connection = simulator.getConnection(id);
        return connection ? json(200, { connection }) : fail(404, 'unknown-connection', `No connection ${id}.`);
      }
      if (action && method === 'POST') {
        if (action === 'status') {
          const message = optionalString(body.institutionMessage);
          const reason = body.statusReason === undefined ? undefined : (body.statusReason as string | null);
          const webhook = await simulator.setStatus(id, body.status as string, reason, message ? { institutionMessage: message } : undefined);
          return json(200, { connection: simulator.getConnection(id), webhook });
        }
        if (action === 'widget') {
          simulator.scriptWidget(id, body.behaviour as WidgetBehaviour, {
            delayMs: typeof body.delayMs === 'number' ? body.delayMs : undefined,
            reason: optionalString(body.reason),
            times: typeof body.times === 'number' ? body.times : undefined,
            holdStatus: body.holdStatus === true,
          });
          return json(200, { connectionId: id, behaviour: body.behaviour });
        }
        if (action === 'fail-next-refresh') {
          simulator.failNextRefresh(id, (body.status as 429 | 409 | 500 | undefined) ?? 429);
          return json(200, { connectionId: id, status: body.status ?? 429 });
        }
        simulator.scriptRefresh(id, {
          status: body.status as string,
          statusReason: body.statusReason as string | null | undefined,
          institutionMessage: optionalString(body.institutionMessage),
          delayMs: typeof body.delayMs === 'number' ? body.delayMs : undefined,
        });
        return json(200, { connectionId: id });
      }
    }
    return fail(404, 'not-found', `No control route ${method} ${CONTROL_PREFIX}${path}. See ${simulator.controlUrl}`);
  }

  return async (request) => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    if (url.pathname === CONTROL_PREFIX) {
      return new Response(null, { status: 308, headers: { location: `${CONTROL_PREFIX}/`, ...CORS } });
    }
    if (method === 'OPTIONS') {
      // Preflight; the private-network header lets a page on a public origin reach 127.0.0.1 in Chromium.
      return new Response(null, { status: 204, headers: { ...CORS, 'access-control-allow-private-network': 'true' } });
    }
    let body: Body = {};
    if (method !== 'GET' && method !== 'HEAD') {
      const text = await request.text();
      if (text.trim().length > 0) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
          body = parsed as Body;
        } catch {
          return fail(400, 'invalid-request', 'Send a JSON object.');
        }
      }
    }
    try {
      return await route(method, url.pathname.slice(CONTROL_PREFIX.length), body);
    } catch (error) {
      if (error instanceof MeldTestingError) {
        const status = error.kind === 'unknown-connection' || error.kind === 'unknown-webhook' ? 404 : error.kind === 'duplicate-connection' ? 409 : 400;
        return fail(status, error.kind, error.message);
      }
      throw error;
    }
  };
}
