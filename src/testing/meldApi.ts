// The simulated Meld API (MELD.md §2): Meld's paths, shapes, status codes and
// error envelope, behind `Authorization: BASIC <key>` and `Meld-Version`.
import type { MeldConnection } from '../server/meldTypes.js';
import { copyConnection, SIMULATED_INSTITUTIONS } from './ConnectionStore.js';
import type { SimulatorCore } from './SimulatorCore.js';
import type { SimulatedOperation } from './simulatorTypes.js';
import { MELD_DEFAULT_PRODUCTS, MELD_PRODUCTS, NOT_REPAIRABLE, NOT_UPDATABLE, randomId, REFRESHABLE } from './statusRules.js';

/** What the Meld API layer needs besides the core. */
export interface MeldApiConfig {
  apiKey: string;
  widgetOrigin: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const VERSION = /^\d{4}-\d{2}-\d{2}$/;
const MAX_BODY = 64 * 1024;

const DEFAULT_CODES: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

/** An error in Meld's envelope: `{ code, message, requestId, timestamp }`. */
function meldError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code, message, requestId: randomId(), timestamp: new Date().toISOString() }), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

function ok(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkProducts(products: unknown, required: boolean): string | undefined {
  if (products === undefined && !required) return undefined;
  if (!Array.isArray(products) || (required && products.length === 0)) return 'products must be a non-empty array, e.g. ["TRANSACTIONS"].';
  const unknown = products.find((p) => typeof p !== 'string' || !MELD_PRODUCTS.has(p));
  return unknown === undefined ? undefined : `${JSON.stringify(unknown)} is not a product; use ${[...MELD_PRODUCTS].join(', ')}.`;
}

function redact(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = key === 'authorization' ? `${value.split(/\s+/)[0] ?? ''} [redacted]` : value;
  });
  return out;
}

/** Makes the Meld API as a fetch-standard handler that records every request. */
export function createMeldApi(core: SimulatorCore, config: MeldApiConfig): (request: Request) => Promise<Response> {
  // As Meld's samples: the widget origin's root with `connectToken`.
  const widgetUrl = (token: string) => `${config.widgetOrigin}/?connectToken=${encodeURIComponent(token)}`;

  function scriptedFailure(operation: SimulatedOperation, connectionId?: string): Response | undefined {
    const failure = core.takeFailure(operation, connectionId);
    if (!failure) return undefined;
    const headers: Record<string, string> = failure.status === 429 ? { 'retry-after': String(failure.retryAfterSeconds ?? 10_800) } : {};
    const message =
      failure.status === 429
        ? 'The provider allows one forced refresh every 3 hours. (simulated)'
        : failure.status === 409
          ? 'The connection cannot do this in its current status. (simulated)'
          : `Simulated ${failure.status} for ${operation}.`;
    return meldError(failure.status, failure.code ?? DEFAULT_CODES[failure.status] ?? 'ERROR', message, headers);
  }

  function notFound(id: string): Response {
    return meldError(404, 'CONNECTION_NOT_FOUND', `No connection ${id.slice(0, 128)} in this account.`);
  }

  async function route(method: string, path: string, query: URLSearchParams, body: unknown): Promise<Response> {
    if (path === '/bank-linking/connections') {
      if (method !== 'GET') return meldError(405, 'METHOD_NOT_ALLOWED', 'Use GET.');
      const failed = scriptedFailure('list');
      if (failed) return failed;
      const page = core.store.page(query);
      return 'invalid' in page ? meldError(400, 'INVALID_REQUEST', page.invalid) : ok(200, page);
    }

    if (path === '/bank-linking/connect/repair') {
      if (method !== 'POST') return meldError(405, 'METHOD_NOT_ALLOWED', 'Use POST.');
      const id = isObject(body) ? body.connectionId : undefined;
      if (typeof id !== 'string' || id.length === 0) return meldError(400, 'INVALID_REQUEST', 'connectionId is required.');
      const connection = core.store.get(id);
      if (!connection) return notFound(id);
      const failed = scriptedFailure('repair', id);
      if (failed) return failed;
      if (NOT_REPAIRABLE.has(connection.status)) {
        return meldError(409, 'CONNECTION_NOT_REPAIRABLE', `A connection in ${connection.status} cannot be repaired; start a new connection instead.`);
      }
      const session = core.openSession('repair', id);
      core.log(`repair ${id}: session ${session.token.slice(0, 8)}…`);
      return ok(201, { id, connectToken: session.token, institutionId: connection.institutionId, widgetUrl: widgetUrl(session.token) });
    }

    if (path === '/bank-linking/connect/start') {
      if (method !== 'POST') return meldError(405, 'METHOD_NOT_ALLOWED', 'Use POST.');
      if (!isObject(body) || typeof body.externalCustomerId !== 'string' || body.externalCustomerId.length === 0) {
        return meldError(400, 'INVALID_REQUEST', 'externalCustomerId is required.');
      }
      const problem = checkProducts(body.products, false) ?? checkProducts(body.optionalProducts, false);
      if (problem) return meldError(400, 'INVALID_PRODUCTS', problem);
      // Meld's default when no products are named; either list may be empty as long as the other is not.
      const products = Array.isArray(body.products) ? (body.products as string[]) : [...MELD_DEFAULT_PRODUCTS];
      const optionalProducts = Array.isArray(body.optionalProducts) ? (body.optionalProducts as string[]) : [];
      if (products.length === 0 && optionalProducts.length === 0) {
        return meldError(400, 'INVALID_PRODUCTS', 'Name at least one product in products or optionalProducts.');
      }
      const failed = scriptedFailure('start');
      if (failed) return failed;
      const institutionId = typeof body.institutionId === 'string' && body.institutionId.length > 0 ? body.institutionId : undefined;
      const connection = core.store.add({
        externalCustomerId: body.externalCustomerId,
        status: 'IN_PROGRESS',
        statusReason: null,
        products: [...new Set(products)],
        ...(institutionId ? { institutionId, institutionName: SIMULATED_INSTITUTIONS.find((i) => i.id === institutionId)?.name ?? `Simulated bank ${institutionId}` } : {}),
      });
      // The bank is picked in the widget unless the host named one.
      if (!institutionId) {
        delete connection.institutionId;
        delete connection.institutionName;
      }
      connection.optionalProducts = [...new Set(optionalProducts)];
      const session = core.openSession('connect', connection.id);
      core.log(`start ${connection.id} for ${body.externalCustomerId}`);
      return ok(201, {
        id: connection.id,
        connectToken: session.token,
        customerId: connection.customerId,
        externalCustomerId: connection.externalCustomerId,
        widgetUrl: widgetUrl(session.token),
      });
    }

    const match = /^\/bank-linking\/connections\/([^/]+)(?:\/(refresh|update))?$/.exec(path);
    if (!match) return meldError(404, 'NOT_FOUND', `No route ${method} ${path.slice(0, 200)}.`);
    let id: string;
    try {
      id = decodeURIComponent(match[1]!);
    } catch {
      return meldError(400, 'INVALID_REQUEST', 'The connection id is not valid.');
    }
    const action = match[2];

    if (!action) {
      if (method === 'GET') {
        const connection = core.store.get(id);
        if (!connection) return notFound(id);
        return scriptedFailure('get', id) ?? ok(200, copyConnection(connection));
      }
      if (method === 'DELETE') {
        const connection = core.store.get(id);
        if (!connection) return notFound(id);
        const failed = scriptedFailure('delete', id);
        if (failed) return failed;
        if (connection.status === 'DELETED') return meldError(409, 'CONNECTION_ALREADY_DELETED', 'The connection is already deleted.');
        deleteConnection(connection);
        return new Response(null, { status: 204 });
      }
      return meldError(405, 'METHOD_NOT_ALLOWED', 'Use GET or DELETE.');
    }
    if (method !== 'POST') return meldError(405, 'METHOD_NOT_ALLOWED', 'Use POST.');

    if (action === 'refresh') {
      if (body !== undefined && !isObject(body)) return meldError(400, 'INVALID_REQUEST', 'The body is { products? }.');
      const problem = checkProducts(isObject(body) ? body.products : undefined, false);
      if (problem) return meldError(400, 'INVALID_PRODUCTS', problem);
      const connection = core.store.get(id);
      if (!connection) return notFound(id);
      const failed = scriptedFailure('refresh', id);
      if (failed) return failed;
      if (!REFRESHABLE.has(connection.status)) {
        return meldError(409, 'CONNECTION_NOT_REFRESHABLE', `A connection in ${connection.status} cannot be refreshed${connection.status === 'RECONNECT_REQUIRED' ? '; repair it' : ''}.`);
      }
      const requestId = randomId();
      core.afterRefresh(connection, requestId);
      return ok(202, { requestId });
    }

    const problem = checkProducts(isObject(body) ? body.products : undefined, true);
    if (problem) return meldError(400, 'INVALID_PRODUCTS', problem);
    const connection = core.store.get(id);
    if (!connection) return notFound(id);
    const failed = scriptedFailure('update', id);
    if (failed) return failed;
    if (NOT_UPDATABLE.has(connection.status)) return meldError(409, 'CONNECTION_NOT_UPDATABLE', `A connection in ${connection.status} cannot be updated.`);
    const products = (body as { products: string[] }).products;
    // Meld: "The products provided must not already be present on the connection".
    const present = new Set([...(connection.products ?? []), ...(connection.optionalProducts ?? [])]);
    const already = products.filter((p) => present.has(p));
    if (already.length > 0) {
      return meldError(400, 'PRODUCTS_ALREADY_PRESENT', `${already.join(', ')} ${already.length === 1 ? 'is' : 'are'} already on the connection; name only products it does not have.`);
    }
    connection.optionalProducts = [...(connection.optionalProducts ?? []), ...new Set(products)];
    return ok(202, { requestId: randomId() });
  }

  function deleteConnection(connection: MeldConnection): void {
    connection.statusReason = null;
    core.log(`delete ${connection.id}`);
    core.deleted(connection);
  }

  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const text = method === 'GET' || method === 'HEAD' ? '' : await request.text();
    let body: unknown;
    let malformed = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text.slice(0, 2000);
        malformed = true;
      }
    }
    const authorization = request.headers.get('authorization') ?? '';
    const [scheme, ...rest] = authorization.trim().split(/\s+/);
    const authorized = scheme?.toUpperCase() === 'BASIC' && rest.length === 1 && rest[0] === config.apiKey;
    const version = request.headers.get('meld-version');

    let response: Response;
    if (!authorized) {
      response = meldError(401, 'UNAUTHORIZED', 'Send your API key as `Authorization: BASIC <key>`.');
    } else if (!version || !VERSION.test(version)) {
      response = meldError(400, 'INVALID_MELD_VERSION', 'Send the `Meld-Version` header, e.g. `Meld-Version: 2026-02-03`.');
    } else if (malformed || text.length > MAX_BODY) {
      response = meldError(400, 'INVALID_REQUEST', 'The body must be JSON.');
    } else {
      try {
        response = await route(method, url.pathname, url.searchParams, body);
      } catch (error) {
        core.log(`meld ${method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`);
        response = meldError(500, 'INTERNAL_ERROR', 'The simulator failed; see its log.');
      }
    }
    core.record({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: redact(request.headers),
      body,
      status: response.status,
      authorized,
      at: new Date().toISOString(),
    });
    core.log(`meld ${method} ${url.pathname}${url.search} -> ${response.status}`);
    return response;
  };
}
