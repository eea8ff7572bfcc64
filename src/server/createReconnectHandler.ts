import type { Connection } from '../core/types.js';
import type { EventBus } from './EventBus.js';
import type { MeldClient } from './createMeldClient.js';
import { defaultEventBus } from './createMemoryEventBus.js';
import { createEventStreams, type EventStreamOptions, type EventStreamStats } from './eventStreams.js';
import {
  badRequest,
  connectionNotFound,
  errorResponse,
  internalError,
  json,
  meldErrorResponse,
  methodNotAllowed,
  noContent,
  routeNotFound,
  unauthorized,
} from './httpResponses.js';
import { deriveInstitutionMessage, type InstitutionMessageReader } from './institutionMessage.js';
import { MeldApiError } from './MeldApiError.js';
import type { MeldConnection } from './meldTypes.js';
import { createMemoryRateLimiter, type RateLimiter, type RateLimitOptions } from './rateLimiter.js';
import { checkRepairLinks, redeemRepairLink } from './redeemRepairLink.js';
import type { RepairLinks } from './repairLinks.js';
import { readBoundedText, refuseCrossSite, refuseNonJson, toMaxBodyBytes, toOriginSet } from './requestGuards.js';
import { isCustomerId, isEnum, isId, isObject, safeText, toBrowserConnection } from './sanitize.js';
import { unmatchedRoute } from './unmatchedRoute.js';
import { widgetRelayResponse, type WidgetRelayPageOptions } from './widgetRelayPage.js';

/** Who is calling: the signed-in customer, as your `authorize` says. */
export interface ReconnectCaller {
  /** Your id for the customer: the `externalCustomerId` you gave Meld when the connection was started. */
  externalCustomerId: string;
}

/** The routes of the host endpoint contract, as `onError` names them. */
export type ReconnectRoute = 'list' | 'get' | 'repair' | 'refresh' | 'update' | 'delete' | 'events' | 'redeem' | 'authorize';

/** Context passed to {@link ReconnectHandlerOptions.onError}. */
export interface ReconnectErrorContext {
  route: ReconnectRoute | 'replay' | 'subscribe';
  request: Request;
  connectionId?: string | undefined;
  /** The HTTP status the browser got, when there was an answer. */
  status?: number | undefined;
}

/** Options for {@link createReconnectHandler}. */
export interface ReconnectHandlerOptions {
  /** From `createMeldClient`: the only holder of the Meld key. */
  meld: MeldClient;
  /**
   * Required. Resolves the signed-in customer from the request (your session
   * cookie, your auth header), or `null` for anyone else: they get a 401.
   * Never read the customer id from the request body or URL.
   */
  authorize: (request: Request) => ReconnectCaller | null | undefined | Promise<ReconnectCaller | null | undefined>;
  /** Where the routes are mounted, e.g. `'/api/meld'` (what the browser's `baseUrl` points at). Use `''` for the root. */
  basePath: string;
  /** Where status changes arrive from (the webhook handler's bus). Defaults to the process-wide memory bus. */
  bus?: EventBus | undefined;
  /** Options of `GET {base}/events`, or `false` to answer it 404. */
  events?: EventStreamOptions | false | undefined;
  /**
   * Limits repair sessions per customer and connection, so a stuck client
   * cannot mint connect tokens in a loop. Counted only once the connection
   * is known to be the caller's: an unknown or someone else's id answers 404
   * and spends none of it. Defaults to 5 per 15 minutes (in memory, per
   * instance). `false` turns it off; pass `createRedisRateLimiter(...)` (or
   * your own {@link RateLimiter}) to share one limit across instances.
   */
  repairRateLimit?: RateLimitOptions | RateLimiter | false | undefined;
  /**
   * Limits, per customer, the Meld lookups that repair requests spend
   * without a repair: ids that are unknown or someone else's (404), and
   * repairs over `repairRateLimit` (429). Taken before Meld is asked, so a
   * flood of made-up ids (even a concurrent one) reaches Meld at most this
   * often per window; past it, that customer's repairs answer 429 until the
   * window moves on. A lookup that leads to a repair is given back (when the
   * limiter has `release`). Defaults to 20 per 15 minutes per customer (in
   * memory, per instance); `false` turns it off.
   */
  repairLookupRateLimit?: RateLimitOptions | RateLimiter | false | undefined;
  /**
   * Signed repair links from `createRepairLinks`: mounts
   * `POST {base}/repair-links/redeem`, which takes `{ "token": "..." }` and
   * answers the caller's connection (`{ connectionId, connection }`) once
   * per link. Every refusal (malformed, tampered, expired, used, another
   * customer's, a connection that is gone) answers the same 404
   * `REPAIR_LINK_INVALID`. Without it the path answers like an unknown route.
   */
  repairLinks?: RepairLinks | undefined;
  /**
   * Limits redeem attempts per customer (every attempt counts, valid or
   * not). Defaults to 20 per 15 minutes (in memory, per instance); `false`
   * turns it off; a `RateLimiter` (e.g. `createRedisRateLimiter({ bus, name:
   * 'redeem', limit: 20 })`) shares it across instances.
   */
  redeemRateLimit?: RateLimitOptions | RateLimiter | false | undefined;
  /**
   * Where the bank's message for the customer comes from. Meld's Connection
   * has no message field: by default the handler reads one for DEGRADED +
   * INSTITUTION_ACTION_REQUIRED from `serviceProviderDetails` (see
   * `readInstitutionMessage` for the shapes it knows) and sends it as the
   * browser's `institutionMessage`. Pass your own reader for other shapes, or
   * `false` to send none.
   */
  institutionMessage?: InstitutionMessageReader | false | undefined;
  /**
   * Adds to a connection before it is sent. An `institutionMessage` returned
   * here (plain text, at most 1000 characters) wins over the derived one.
   */
  enrichConnection?:
    | ((connection: MeldConnection, caller: ReconnectCaller) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>)
    | undefined;
  /**
   * Whether `GET {base}/connections` lists DELETED connections. Meld's list
   * keeps them; the browser has nothing to offer for them, and a re-read would
   * bring back a card the customer just replaced. Defaults to `false`.
   * `GET {base}/connections/:id` still answers a deleted connection.
   */
  includeDeleted?: boolean | undefined;
  /** The most connections a list answer holds (pages of Meld's list are followed up to this). Defaults to 500. */
  maxConnections?: number | undefined;
  /**
   * `GET {base}/widget-relay`: the page popup mode shows the widget in (see
   * `widgetRelayPage`), served without `authorize` (it is static and holds
   * nothing of the customer's). Options for its CSP, or `false` to answer it
   * 404 (serve `widgetRelayResponse()` yourself, on the pages' origin).
   */
  widgetRelay?: WidgetRelayPageOptions | false | undefined;
  /** For your logs: Meld's failures, your callbacks' errors, malformed data from Meld. */
  onError?: ((error: unknown, context: ReconnectErrorContext) => void) | undefined;
  /**
   * Origins besides the request's own whose pages may call the routes that
   * change something (repair, refresh, update, delete), e.g.
   * `['https://app.example.com']` when the page and this handler are on
   * different origins (you then add CORS with credentials in your framework).
   * Also list your public origin when a proxy rewrites the request URL's host
   * and some of your customers' browsers send no `Sec-Fetch-Site`.
   *
   * A change is accepted when the browser says `Sec-Fetch-Site: same-origin`,
   * or its `Origin` is the request's own or listed here; a request with
   * neither header (a script, another server) passes too. Anything else is
   * refused with 403 `ORIGIN_NOT_ALLOWED` before `authorize` runs. Changes
   * must also say `content-type: application/json` (415
   * `UNSUPPORTED_MEDIA_TYPE`), which a cross-site form cannot send. Defaults
   * to none.
   */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * The most bytes a request body may hold (only the update route reads one:
   * `{ "products": [...] }`). The body is read after the caller and the
   * connection are checked, while it streams in; past this many bytes the
   * stream is cancelled and the answer is 413 `PAYLOAD_TOO_LARGE`. Defaults to
   * 16 KiB (16 384).
   */
  maxBodyBytes?: number | undefined;
}

/** What a handler holds right now; for tests and health checks. */
export interface ReconnectHandlerStats {
  events: EventStreamStats;
}

/**
 * A fetch-standard handler for the host endpoint contract, with
 * {@link ReconnectHandler.stats} and {@link ReconnectHandler.close}.
 */
export interface ReconnectHandler {
  (request: Request): Promise<Response>;
  /** Open streams, customers subscribed, bytes waiting. */
  stats(): ReconnectHandlerStats;
  /** Closes every open `/events` stream (on shutdown). */
  close(): void;
}

const ALLOWED = { allowed: true } as const;
const MAX_PRODUCTS = 20;
/** The routes that change something: JSON only, from the site's own pages (CSRF). */
const MUTATIONS: ReadonlySet<ReconnectRoute> = new Set(['repair', 'refresh', 'update', 'delete', 'redeem']);
/** Methods that never change anything; every other method meets the cross-site check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isRateLimiter(value: unknown): value is RateLimiter {
  return isObject(value) && typeof value.take === 'function';
}

function normalizeBasePath(basePath: unknown): string {
  if (typeof basePath !== 'string' || (basePath !== '' && !basePath.startsWith('/'))) {
    throw new TypeError(
      "meld-reconnect-kit/server: createReconnectHandler needs { basePath }: the path the routes are mounted at, the same as the browser's baseUrl, e.g. basePath: '/api/meld' (or '' for the root).",
    );
  }
  return basePath.replace(/\/+$/, '');
}

/**
 * Makes the host endpoint contract as one fetch-standard handler
 * (`(request: Request) => Promise<Response>`): Next.js route handlers, Hono,
 * Remix as they are; Node's `http` and Express through `toNodeHandler`.
 *
 * - `GET {base}/connections`: the caller's connections (Meld's list filtered by
 *   `externalCustomerId`, every page, checked again here)
 * - `GET {base}/connections/:id`, `POST .../repair`, `.../refresh`, `.../update`,
 *   `DELETE {base}/connections/:id`: each first reads the connection from
 *   Meld and answers 404 unless its `externalCustomerId` is the caller's, so
 *   another customer's id looks exactly like an unknown one and Meld's
 *   mutation is never called for it
 * - `GET {base}/events`: the caller's status changes as Server-Sent Events
 * - `GET {base}/widget-relay`: the static page popup mode opens (no sign-in needed)
 * - `POST {base}/repair-links/redeem` (with `repairLinks`): a signed repair
 *   link redeemed once by its own customer, answering their connection; any
 *   refused link answers one 404 `REPAIR_LINK_INVALID`
 *
 * The routes that change something refuse what a cross-site page can send
 * (CSRF), before `authorize` runs: 403 `ORIGIN_NOT_ALLOWED` unless the
 * browser says the page is this origin (`Sec-Fetch-Site`, `Origin`, or
 * `allowedOrigins`), 415 `UNSUPPORTED_MEDIA_TYPE` without
 * `content-type: application/json`. A body is read only after the caller and
 * the connection are checked, and at most `maxBodyBytes` of it (413).
 *
 * Answers carry only the fields the browser uses; errors are
 * `{ code, message, requestId?, displayMessage? }` with the contract's
 * status (401, 403, 404, 409, 413, 415, 429 + Retry-After, 502, 504). CORS is yours: the
 * kit expects same-origin calls; add CORS in your framework if the browser
 * calls another origin.
 *
 * @example
 * export const handler = createReconnectHandler({
 *   meld: createMeldClient({ apiKey: process.env.MELD_API_KEY! }),
 *   authorize: async (request) => {
 *     const user = await getSessionUser(request);
 *     return user ? { externalCustomerId: user.id } : null;
 *   },
 *   basePath: '/api/meld',
 * });
 */
export function createReconnectHandler(options: ReconnectHandlerOptions): ReconnectHandler {
  if (typeof options?.authorize !== 'function') {
    throw new TypeError(
      'meld-reconnect-kit/server: createReconnectHandler needs { authorize }: a function that returns the signed-in customer as { externalCustomerId } (or null), e.g. authorize: async (request) => { const user = await getUser(request); return user ? { externalCustomerId: user.id } : null; }. Without it anyone could manage any connection.',
    );
  }
  const meld = options.meld;
  if (!isObject(meld) || typeof meld.getConnection !== 'function' || typeof meld.repairConnection !== 'function') {
    throw new TypeError('meld-reconnect-kit/server: createReconnectHandler needs { meld }: a client from createMeldClient({ apiKey }).');
  }
  const basePath = normalizeBasePath(options.basePath);
  const authorize = options.authorize;
  const bus = options.bus ?? defaultEventBus();
  const maxConnections = options.maxConnections ?? 500;
  const allowedOrigins = toOriginSet(options.allowedOrigins);
  const maxBodyBytes = toMaxBodyBytes(options.maxBodyBytes);
  const limiterOf = (given: RateLimitOptions | RateLimiter | false | undefined, limit: number): RateLimiter | undefined =>
    given === false ? undefined : isRateLimiter(given) ? given : createMemoryRateLimiter({ ...given, limit: given?.limit ?? limit });
  const limiter = limiterOf(options.repairRateLimit, 5);
  const lookupLimiter = limiterOf(options.repairLookupRateLimit, 20);
  const repairLinks = checkRepairLinks(options.repairLinks);
  const redeemLimiter = repairLinks ? limiterOf(options.redeemRateLimit, 20) : undefined;
  const report = (error: unknown, context: ReconnectErrorContext) => {
    try {
      options.onError?.(error, context);
    } catch {
      // a logger that throws must not change the answer
    }
  };
  const relay = options.widgetRelay === false ? undefined : options.widgetRelay ?? {};
  // Built once here, so bad frameSources fail at startup rather than on the first popup.
  if (relay) widgetRelayResponse(relay);
  const streams =
    options.events === false ? undefined : createEventStreams(bus, options.events ?? {}, (error, what, request) => report(error, { route: what, request }));

  async function toAnswer(connection: MeldConnection, caller: ReconnectCaller, request: Request, route: ReconnectRoute): Promise<Connection | undefined> {
    const out = toBrowserConnection(connection);
    if (!out) return undefined;
    const derived = deriveInstitutionMessage(
      options.institutionMessage,
      { status: connection.status, statusReason: connection.statusReason, serviceProviderDetails: connection.serviceProviderDetails },
      (error) => report(error, { route, request, connectionId: connection.id }),
    );
    if (derived) out.institutionMessage = derived;
    if (!options.enrichConnection) return out;
    let extra: Record<string, unknown> | undefined;
    try {
      extra = await options.enrichConnection(connection, caller);
    } catch (error) {
      report(error, { route, request, connectionId: connection.id });
      return out;
    }
    if (!isObject(extra)) return out;
    const { institutionMessage, ...rest } = extra;
    const message = safeText(institutionMessage);
    return { ...out, ...rest, ...(message ? { institutionMessage: message } : {}), id: out.id, status: out.status };
  }

  /** The caller's connection, or undefined when it is unknown or someone else's (both answer 404). */
  async function owned(connectionId: string, caller: ReconnectCaller, request: Request): Promise<MeldConnection | undefined> {
    try {
      const connection = await meld.getConnection(connectionId, { signal: request.signal });
      return connection.externalCustomerId === caller.externalCustomerId ? connection : undefined;
    } catch (error) {
      if (error instanceof MeldApiError && error.kind === 'http' && (error.status === 404 || error.status === 400)) return undefined;
      throw error;
    }
  }

  async function readProducts(request: Request): Promise<string[] | Response> {
    const text = await readBoundedText(request, maxBodyBytes);
    if (text instanceof Response) return text;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return badRequest('Send JSON: { "products": ["INVESTMENT_HOLDINGS"] }.');
    }
    const products = isObject(body) ? body.products : undefined;
    if (!Array.isArray(products) || products.length === 0 || products.length > MAX_PRODUCTS || !products.every(isEnum)) {
      return badRequest('products must be a non-empty array of product names, e.g. ["INVESTMENT_HOLDINGS"].');
    }
    return products;
  }

  async function route(request: Request, url: URL, caller: ReconnectCaller, rest: string): Promise<{ route: ReconnectRoute; id?: string; answer: () => Promise<Response> } | Response> {
    const method = request.method.toUpperCase();
    if (rest === '/events') {
      if (!streams) return routeNotFound();
      if (method !== 'GET') return methodNotAllowed('GET');
      return { route: 'events', answer: () => streams.open(request, url, caller.externalCustomerId) };
    }
    if (rest === '/repair-links/redeem' && repairLinks) {
      if (method !== 'POST') return methodNotAllowed('POST');
      return {
        route: 'redeem',
        answer: () =>
          redeemRepairLink(request, caller.externalCustomerId, {
            links: repairLinks,
            limiter: redeemLimiter,
            owned: (id) => owned(id, caller, request),
            toAnswer: (connection) => toAnswer(connection, caller, request, 'redeem'),
          }),
      };
    }
    if (rest === '/connections') {
      if (method !== 'GET') return methodNotAllowed('GET');
      return {
        route: 'list',
        answer: async () => {
          const all = await meld.listAllConnections({ externalCustomerId: caller.externalCustomerId, maxConnections }, { signal: request.signal });
          const connections: Connection[] = [];
          for (const connection of all) {
            // Meld filtered by customer; check again, so a filter Meld ignored never leaks.
            if (connection.externalCustomerId !== caller.externalCustomerId) continue;
            if (connection.status === 'DELETED' && !options.includeDeleted) continue;
            const answer = await toAnswer(connection, caller, request, 'list');
            if (answer) connections.push(answer);
            else report(new Error(`Meld sent a malformed connection (${String(connection.id).slice(0, 64)}); left out of the list.`), { route: 'list', request });
          }
          return json(200, { connections });
        },
      };
    }
    const match = /^\/connections\/([^/]+)(?:\/(repair|refresh|update))?$/.exec(rest);
    if (!match) return unmatchedRoute(method, url.pathname, basePath);
    let id: string;
    try {
      id = decodeURIComponent(match[1]!);
    } catch {
      return connectionNotFound();
    }
    const action = match[2];
    if (!isId(id)) return connectionNotFound();

    if (!action) {
      if (method === 'GET') {
        return {
          route: 'get',
          id,
          answer: async () => {
            const connection = await owned(id, caller, request);
            if (!connection) return connectionNotFound();
            const answer = await toAnswer(connection, caller, request, 'get');
            if (!answer) return errorResponse(502, { code: 'MELD_BAD_RESPONSE', message: 'The bank-linking service sent a malformed connection.' });
            return json(200, answer);
          },
        };
      }
      if (method === 'DELETE') {
        return {
          route: 'delete',
          id,
          answer: async () => {
            if (!(await owned(id, caller, request))) return connectionNotFound();
            await meld.deleteConnection(id, { signal: request.signal });
            return noContent();
          },
        };
      }
      return methodNotAllowed('GET, DELETE');
    }
    if (method !== 'POST') return methodNotAllowed('POST');

    if (action === 'repair') {
      return {
        route: 'repair',
        id,
        answer: async () => {
          const customer = caller.externalCustomerId;
          const tooMany = (decision: { retryAfterSeconds: number }) =>
            errorResponse(429, { code: 'RATE_LIMITED', message: 'Too many reconnect attempts. Try again later.' }, { 'retry-after': String(decision.retryAfterSeconds) });
          // The lookup is paid for before Meld is asked, so a flood of made-up ids reaches Meld a bounded number of times.
          const lookup = lookupLimiter ? await lookupLimiter.take(customer, customer) : ALLOWED;
          if (!lookup.allowed) return tooMany(lookup);
          if (!(await owned(id, caller, request))) return connectionNotFound();
          // Counted only for the caller's own connection: made-up ids create no counters, so they cannot push anyone's out.
          const decision = limiter ? await limiter.take(id, customer) : ALLOWED;
          if (!decision.allowed) return tooMany(decision);
          await lookupLimiter?.release?.(customer, customer);
          const session = await meld.repairConnection(id, { signal: request.signal });
          const widgetUrl = typeof session.widgetUrl === 'string' && session.widgetUrl.length <= 4096 && URL.canParse(session.widgetUrl) ? session.widgetUrl : undefined;
          if (!widgetUrl || session.connectToken.length > 4096) {
            return errorResponse(502, { code: 'MELD_BAD_RESPONSE', message: 'The bank-linking service sent no widget URL.' });
          }
          return json(200, {
            connectionId: id,
            connectToken: session.connectToken,
            widgetUrl,
            ...(isId(session.institutionId) ? { institutionId: session.institutionId } : {}),
          });
        },
      };
    }
    if (action === 'refresh') {
      return {
        route: 'refresh',
        id,
        answer: async () => {
          if (!(await owned(id, caller, request))) return connectionNotFound();
          const accepted = await meld.refreshConnection(id, undefined, { signal: request.signal });
          return json(202, { requestId: accepted.requestId });
        },
      };
    }
    return {
      route: 'update',
      id,
      answer: async () => {
        // The caller and the connection first: a stranger's body is never read.
        if (!(await owned(id, caller, request))) return connectionNotFound();
        const products = await readProducts(request);
        if (products instanceof Response) return products;
        const accepted = await meld.updateConnectionProducts(id, products, { signal: request.signal });
        return json(202, { requestId: accepted.requestId });
      },
    };
  }

  const handler = (async (request: Request): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return routeNotFound();
    }
    const path = url.pathname;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return unmatchedRoute(request.method, path, basePath);
    const rest = path.slice(basePath.length).replace(/\/+$/, '');
    if (rest === '/widget-relay' && relay) {
      return request.method.toUpperCase() === 'GET' ? widgetRelayResponse(relay) : methodNotAllowed('GET');
    }

    // Before authorize: a page on another site never gets a session looked up for it.
    if (!SAFE_METHODS.has(request.method.toUpperCase())) {
      const refused = refuseCrossSite(request, allowedOrigins);
      if (refused) return refused;
    }

    let caller: ReconnectCaller | null | undefined;
    try {
      caller = await authorize(request);
    } catch (error) {
      report(error, { route: 'authorize', request, status: 500 });
      return internalError();
    }
    if (caller === null || caller === undefined) return unauthorized();
    if (!isObject(caller) || !isCustomerId(caller.externalCustomerId)) {
      report(new TypeError('authorize must return { externalCustomerId: string } (1 to 256 characters) or null.'), { route: 'authorize', request, status: 401 });
      return unauthorized();
    }
    const who: ReconnectCaller = { externalCustomerId: caller.externalCustomerId };

    const routed = await route(request, url, who, rest);
    if (routed instanceof Response) return routed;
    if (MUTATIONS.has(routed.route)) {
      const refused = refuseNonJson(request);
      if (refused) return refused;
    }
    try {
      return await routed.answer();
    } catch (error) {
      if (request.signal.aborted) return new Response(null, { status: 499 });
      const answer = error instanceof MeldApiError ? meldErrorResponse(error) : internalError();
      report(error, { route: routed.route, request, connectionId: routed.id, status: answer.status });
      return answer;
    }
  }) as ReconnectHandler;

  handler.stats = () => ({ events: streams?.stats() ?? { streams: 0, customers: 0, bufferedBytes: 0 } });
  handler.close = () => streams?.close();
  return handler;
}
