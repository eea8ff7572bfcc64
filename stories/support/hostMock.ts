// The host backend the stories talk to: the host endpoint contract
// (see Docs / Connecting your backend), answered by MSW in the browser with
// the kit's own `hostApiHandlers` (meld-reconnect-kit/testing).
//
// Every story gets its own in-memory backend under its own base URL
// (`/api/meld/<scope>`). The route below is the worker's initial handler and
// looks the backend up by scope, so a docs page that renders many stories at
// once keeps each story's data, even though the addon resets the worker's
// handlers before every story.
import { http, HttpResponse } from 'msw';
import type { Connection } from '../../src/index.js';
// The module itself, not the testing entry: the stories need the browser-safe handlers only.
import { hostApiHandlers, type HostApiHandlers, type HostRedeemAnswer, type HostRefreshAnswer, type HostRepairAnswer } from '../../src/testing/msw/index.js';

/** Where the stories' host backends live. */
export const HOST_BASE = '/api/meld';

/** What `POST /connections/:id/repair` answers. */
export type RepairAnswer = Exclude<HostRepairAnswer, 'no-widget-url'>;
/** What `POST /connections/:id/refresh` answers (a status Meld refuses to refresh always gets 409). */
export type RefreshAnswer = Exclude<HostRefreshAnswer, 404 | 409>;
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
  /** What `POST /repair-links/redeem` answers for the links issued (see `HostMock.addRepairLink`). Defaults to `'ok'`. */
  redeem?: HostRedeemAnswer | undefined;
}

/** The scenario's script, with a connection's own on top. */
function scriptFor(scenario: HostScenario, connectionId: string): ConnectionScript {
  return { ...scenario, ...scenario.perConnection?.[connectionId] };
}

export interface HostMock {
  /** The base URL to give `ReconnectKitProvider`. */
  readonly baseUrl: string;
  /** The backend's connections, by id (a snapshot). */
  readonly connections: ReadonlyMap<string, Connection>;
  /** Every request it received, as `METHOD /path` (relative to the base). */
  readonly requests: readonly string[];
  /** How many times `route` (e.g. `POST /connections/conn_1/repair`) was called. */
  count(route: string): number;
  /** Issues a repair link for a connection, as the host's mailer would. */
  addRepairLink(token: string, connectionId: string): void;
  /** Forgets the backend (called when the story unmounts). */
  dispose(): void;
}

const hosts = new Map<string, HostApiHandlers>();
let lastScope = 0;

/** An unknown story backend answers like a host that does not know the customer. */
function unknownScope() {
  return HttpResponse.json({ code: 'CONNECTION_NOT_FOUND', message: 'No such connection.' }, { status: 404 });
}

/** The host endpoint contract, for every story backend. Installed once, as the worker's initial handlers. */
export const hostRoutes = [
  http.all(`${HOST_BASE}/:scope/*`, async ({ request, params }) => {
    const host = typeof params.scope === 'string' ? hosts.get(params.scope) : undefined;
    return (host && (await host.handle(request))) ?? unknownScope();
  }),
];

/** The stand-in page Storybook serves from `.storybook/public`: it posts what Meld's widget posts. */
function standInUrl(widget: WidgetScript, token: string): string {
  const query = new URLSearchParams({ connectToken: token });
  if (widget !== 'manual') query.set('auto', widget);
  return `${window.location.origin}/meld-widget-stand-in.html?${query}`;
}

/**
 * Makes an in-memory host backend for one story. When the stand-in widget
 * posts `connect_complete`, connections whose repair session was handed out
 * take the scenario's outcome, as Meld's webhook would tell the backend.
 */
export function createHostMock(scenario: HostScenario): HostMock {
  lastScope += 1;
  const scope = `story-${lastScope}`;
  const script = (connectionId: string) => scriptFor(scenario, connectionId);
  const host = hostApiHandlers({
    baseUrl: `${HOST_BASE}/${scope}`,
    connections: scenario.connections,
    latencyMs: scenario.latencyMs ?? 40,
    repair: (id) => script(id).repair,
    refresh: (id) => script(id).refresh,
    widgetUrl: (id, { connectToken }) => standInUrl(script(id).widget ?? 'manual', connectToken),
    retryAfterSeconds: 120,
    redeem: scenario.redeem,
    // No story opens the live stream.
    events: false,
  });
  hosts.set(scope, host);
  // Requests before this index have been settled by a widget message.
  let settled = 0;

  const onMessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (event.origin !== window.location.origin || typeof data !== 'object' || data === null) return;
    const { domain, eventName } = data as { domain?: unknown; eventName?: unknown };
    if (domain !== 'meld-connect' || (eventName !== 'connect_complete' && eventName !== 'error')) return;
    const all = host.requests();
    const handedOut = all.slice(settled).filter((r) => r.route === 'repair' && r.status === 200);
    settled = all.length;
    // A failed sign-in changes nothing; the session is spent.
    if (eventName === 'error') return;
    for (const { connectionId: id } of handedOut) {
      const connection = id === undefined ? undefined : host.getConnection(id);
      const outcome = id === undefined ? 'unchanged' : (script(id).outcome ?? 'fixed');
      if (!connection || outcome === 'unchanged') continue;
      if (outcome === 'fixed') host.setStatus(connection.id, 'ACTIVE', null);
      else host.setStatus(connection.id, 'RECONNECT_REQUIRED', connection.statusReason === 'OTHER' ? 'TOKEN_EXPIRED' : 'OTHER');
    }
  };
  window.addEventListener('message', onMessage);

  return {
    baseUrl: `${HOST_BASE}/${scope}`,
    get connections() {
      return new Map(host.connections().map((c) => [c.id, c]));
    },
    get requests() {
      return host.requests().map((r) => r.key);
    },
    count: (route) => host.count(route),
    addRepairLink: (token, connectionId) => host.addRepairLink(token, connectionId),
    dispose() {
      window.removeEventListener('message', onMessage);
      hosts.delete(scope);
    },
  };
}
