// The host backend the stories talk to: the host endpoint contract
// (see Docs / Connecting your backend), answered by MSW in the browser.
//
// Every story gets its own in-memory backend under its own base URL
// (`/api/meld/<scope>`). The routes are the worker's initial handlers and look
// the backend up by scope, so a docs page that renders many stories at once
// keeps each story's data, even though the addon resets the worker's
// handlers before every story.
import { delay, http, HttpResponse, type DefaultBodyType, type StrictRequest } from 'msw';
import type { Connection } from '../../src/index.js';

/** Where the stories' host backends live. */
export const HOST_BASE = '/api/meld';

/** What `POST /connections/:id/repair` answers. */
export type RepairAnswer = 'ok' | 'hang' | 'unsafe-widget-url' | 404 | 409 | 429 | 500;
/** What `POST /connections/:id/refresh` answers (a status Meld refuses to refresh always gets 409). */
export type RefreshAnswer = 'ok' | 'hang' | 429 | 500;
/**
 * How the connection looks once the customer finishes the widget, as Meld's
 * webhook would report it: `fixed` (ACTIVE), `still-broken` (RECONNECT_REQUIRED
 * with a new reason) or `unchanged` (no webhook yet).
 */
export type RepairOutcome = 'fixed' | 'still-broken' | 'unchanged';
/** What the stand-in widget does by itself: nothing (`manual`), sign in (`complete`) or fail (`error`). */
export type WidgetScript = 'manual' | 'complete' | 'error';

/** How the backend answers for one connection. */
export interface ConnectionScript {
  /** Defaults to `'ok'`. */
  repair?: RepairAnswer | undefined;
  /** Defaults to `'fixed'`. */
  outcome?: RepairOutcome | undefined;
  /** Defaults to `'manual'`. */
  widget?: WidgetScript | undefined;
  /** Defaults to `'ok'`. */
  refresh?: RefreshAnswer | undefined;
}

export interface HostScenario extends ConnectionScript {
  connections: readonly Connection[];
  /** Scripts for single connections, over the scenario's own. */
  perConnection?: Readonly<Record<string, ConnectionScript>> | undefined;
  /** Time each answer takes. Defaults to 40 ms, so busy states are visible. */
  latencyMs?: number | undefined;
}

/** The scenario's script, with a connection's own on top. */
function scriptFor(scenario: HostScenario, connectionId: string): ConnectionScript {
  return { ...scenario, ...scenario.perConnection?.[connectionId] };
}

export interface HostMock {
  /** The base URL to give `ReconnectKitProvider`. */
  readonly baseUrl: string;
  /** The backend's connections, by id. */
  readonly connections: Map<string, Connection>;
  /** Every request it answered, as `METHOD /path` (relative to the base). */
  readonly requests: readonly string[];
  /** How many times `route` (e.g. `POST /connections/conn_1/repair`) was called. */
  count(route: string): number;
  /** Forgets the backend (called when the story unmounts). */
  dispose(): void;
}

interface HostState {
  scenario: HostScenario;
  connections: Map<string, Connection>;
  requests: string[];
  /** Connections whose repair session was handed out and not finished yet. */
  repairing: Set<string>;
}

const hosts = new Map<string, HostState>();
let lastScope = 0;

/** Statuses Meld refuses to repair (409, "start a new connection instead"). */
const NOT_REPAIRABLE = new Set(['EXPIRED', 'DELETED', 'IN_PROGRESS']);
/** Statuses Meld refreshes; anything else answers 409. */
const REFRESHABLE = new Set(['ACTIVE', 'PARTIALLY_ACTIVE', 'DEGRADED', 'UNDETERMINED']);

const ERRORS: Record<number, { code: string; message: string }> = {
  404: { code: 'CONNECTION_NOT_FOUND', message: 'No connection with this id belongs to the signed-in customer.' },
  409: { code: 'CONNECTION_NOT_REPAIRABLE', message: 'The connection is EXPIRED, DELETED or IN_PROGRESS: start a new connection instead.' },
  429: { code: 'RATE_LIMITED', message: 'The provider allows one forced refresh every 3 hours.' },
  500: { code: 'INTERNAL_ERROR', message: 'The host backend failed.' },
};

/** The host's error shape: the HTTP status plus `{ code, message, requestId }`. */
function hostError(status: number) {
  const { code, message } = ERRORS[status] ?? { code: 'ERROR', message: 'Refused.' };
  return HttpResponse.json(
    { code, message, requestId: `req_story_${status}`, timestamp: new Date().toISOString() },
    { status, headers: status === 429 ? { 'retry-after': '120' } : {} },
  );
}

/** The stand-in page Storybook serves from `.storybook/public`: it posts what Meld's widget posts. */
function standInUrl(widget: WidgetScript, token: string): string {
  const query = new URLSearchParams({ connectToken: token });
  if (widget !== 'manual') query.set('auto', widget);
  return `${window.location.origin}/meld-widget-stand-in.html?${query}`;
}

/** A reason that differs from the current one, as the next webhook after a failed repair carries. */
function stillBroken(connection: Connection): Connection {
  const reason = connection.statusReason === 'OTHER' ? 'TOKEN_EXPIRED' : 'OTHER';
  return { ...connection, status: 'RECONNECT_REQUIRED', statusReason: reason };
}

/**
 * Runs a route for the story backend named in the URL, recording the request.
 * An unknown scope answers 404, like a host that does not know the customer.
 */
async function withHost(
  request: StrictRequest<DefaultBodyType>,
  scope: string,
  route: string,
  answer: (state: HostState) => Promise<Response> | Response,
): Promise<Response> {
  const state = hosts.get(scope);
  if (!state) return hostError(404);
  state.requests.push(`${request.method} ${route}`);
  await delay(state.scenario.latencyMs ?? 40);
  return answer(state);
}

function param(value: string | readonly string[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** The host endpoint contract, for every story backend. Installed once, as the worker's initial handlers. */
export const hostRoutes = [
  http.get(`${HOST_BASE}/:scope/connections`, ({ request, params }) =>
    withHost(request, param(params.scope), '/connections', (state) =>
      HttpResponse.json({ connections: [...state.connections.values()] }),
    ),
  ),

  http.get(`${HOST_BASE}/:scope/connections/:id`, ({ request, params }) => {
    const id = param(params.id);
    return withHost(request, param(params.scope), `/connections/${id}`, (state) => {
      const connection = state.connections.get(id);
      return connection ? HttpResponse.json(connection) : hostError(404);
    });
  }),

  http.post(`${HOST_BASE}/:scope/connections/:id/repair`, ({ request, params }) => {
    const id = param(params.id);
    return withHost(request, param(params.scope), `/connections/${id}/repair`, async (state) => {
      const connection = state.connections.get(id);
      if (!connection) return hostError(404);
      const script = scriptFor(state.scenario, id);
      const answer = script.repair ?? 'ok';
      if (answer === 'hang') await delay('infinite');
      if (typeof answer === 'number') return hostError(answer);
      if (NOT_REPAIRABLE.has(connection.status)) return hostError(409);
      state.repairing.add(id);
      const token = `tok_story_${state.requests.length}`;
      const widgetUrl =
        answer === 'unsafe-widget-url'
          ? // A lookalike of Meld's host: the kit must refuse to open it.
            `https://meld.io.example.net/?connectToken=${token}`
          : standInUrl(script.widget ?? 'manual', token);
      return HttpResponse.json(
        { connectionId: id, connectToken: token, widgetUrl, institutionId: connection.institutionId },
        { status: 201 },
      );
    });
  }),

  http.post(`${HOST_BASE}/:scope/connections/:id/refresh`, ({ request, params }) => {
    const id = param(params.id);
    return withHost(request, param(params.scope), `/connections/${id}/refresh`, async (state) => {
      const connection = state.connections.get(id);
      if (!connection) return hostError(404);
      if (!REFRESHABLE.has(connection.status)) return hostError(409);
      const answer = scriptFor(state.scenario, id).refresh ?? 'ok';
      if (answer === 'hang') await delay('infinite');
      return answer === 'ok' || answer === 'hang' ? HttpResponse.json({ requestId: `req_refresh_${id}` }, { status: 202 }) : hostError(answer);
    });
  }),

  http.post(`${HOST_BASE}/:scope/connections/:id/update`, ({ request, params }) => {
    const id = param(params.id);
    return withHost(request, param(params.scope), `/connections/${id}/update`, (state) =>
      state.connections.has(id) ? HttpResponse.json({ requestId: `req_update_${id}` }, { status: 202 }) : hostError(404),
    );
  }),

  http.delete(`${HOST_BASE}/:scope/connections/:id`, ({ request, params }) => {
    const id = param(params.id);
    return withHost(request, param(params.scope), `/connections/${id}`, (state) => {
      const connection = state.connections.get(id);
      if (!connection || connection.status === 'DELETED') return hostError(connection ? 409 : 404);
      state.connections.set(id, { ...connection, status: 'DELETED', statusReason: null });
      return new HttpResponse(null, { status: 204 });
    });
  }),
];

/**
 * Makes an in-memory host backend for one story. When the stand-in widget
 * posts `connect_complete`, connections being repaired take the scenario's
 * outcome, as Meld's webhook would tell the backend.
 */
export function createHostMock(scenario: HostScenario): HostMock {
  lastScope += 1;
  const scope = `story-${lastScope}`;
  const state: HostState = {
    scenario,
    connections: new Map(scenario.connections.map((c) => [c.id, c])),
    requests: [],
    repairing: new Set(),
  };
  hosts.set(scope, state);

  const onMessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (event.origin !== window.location.origin || typeof data !== 'object' || data === null) return;
    const { domain, eventName } = data as { domain?: unknown; eventName?: unknown };
    if (domain !== 'meld-connect') return;
    // A failed sign-in changes nothing; the session is spent.
    if (eventName === 'error') state.repairing.clear();
    if (eventName !== 'connect_complete') return;
    for (const id of state.repairing) {
      const connection = state.connections.get(id);
      const outcome = scriptFor(scenario, id).outcome ?? 'fixed';
      if (!connection || outcome === 'unchanged') continue;
      state.connections.set(id, outcome === 'fixed' ? { ...connection, status: 'ACTIVE', statusReason: null } : stillBroken(connection));
    }
    state.repairing.clear();
  };
  window.addEventListener('message', onMessage);

  return {
    baseUrl: `${HOST_BASE}/${scope}`,
    connections: state.connections,
    requests: state.requests,
    count: (route) => state.requests.filter((r) => r === route).length,
    dispose() {
      window.removeEventListener('message', onMessage);
      hosts.delete(scope);
    },
  };
}
