import { MeldApiError, type MeldApiErrorKind } from './MeldApiError.js';
import { isHeaderToken, redactError, redactText, secretForms } from './redactSecret.js';
import { parseRetryAfter } from '../core/retryAfter.js';
import type {
  ListAllMeldConnectionsParams,
  ListMeldConnectionsParams,
  MeldAcceptedRequest,
  MeldConnection,
  MeldConnectionPage,
  MeldConnectSession,
  MeldProduct,
  MeldRepairSession,
  StartMeldConnectionBody,
} from './meldTypes.js';

/** Meld's API hosts. */
export const MELD_BASE_URLS = {
  sandbox: 'https://api-sb.meld.io',
  production: 'https://api.meld.io',
} as const;

/** The `Meld-Version` the kit is written against. */
export const MELD_API_VERSION = '2026-02-03';

/** Options for {@link createMeldClient}. */
export interface MeldClientOptions {
  /**
   * Your Meld API key. Keep it in a server environment variable; never ship it
   * to a browser. Printable ASCII without spaces (a trailing newline throws a
   * `TypeError` that does not quote the key). Errors the client creates never
   * carry it: their messages and `cause` chains are scrubbed.
   */
  apiKey: string;
  /** Picks the base URL. Defaults to `'sandbox'`. */
  environment?: 'sandbox' | 'production' | undefined;
  /** Overrides the base URL (a proxy, a simulator). */
  baseUrl?: string | undefined;
  /** The `Meld-Version` header. Defaults to `2026-02-03`. */
  version?: string | undefined;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Gives up on one attempt after this long (`kind: 'timeout'`). Defaults to 10 000 ms. */
  timeoutMs?: number | undefined;
  /** How many times a GET is retried after a 5xx or a network error. Defaults to 2. Other calls never retry. */
  retries?: number | undefined;
  /** First backoff delay; doubles per retry, with jitter. Defaults to 250 ms. */
  retryDelayMs?: number | undefined;
}

/** Per-call options of {@link MeldClient}. */
export interface MeldCallOptions {
  /** Aborts the call; it then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** Typed calls to Meld's bank-linking API. Every failure rejects with {@link MeldApiError}. */
export interface MeldClient {
  /** The base URL in use. */
  readonly baseUrl: string;
  /** `GET /bank-linking/connections/{id}`. */
  getConnection(connectionId: string, options?: MeldCallOptions): Promise<MeldConnection>;
  /** One page of `GET /bank-linking/connections`. */
  listConnections(params?: ListMeldConnectionsParams, options?: MeldCallOptions): Promise<MeldConnectionPage>;
  /**
   * Every page of `GET /bank-linking/connections`, up to `maxConnections`:
   * forwards from the start (or from `after`), following the last listed
   * connection's `key` while `remaining > 0`; or backwards from `before`,
   * following the first one's. The result is in list order either way.
   */
  listAllConnections(params?: ListAllMeldConnectionsParams, options?: MeldCallOptions): Promise<MeldConnection[]>;
  /** `POST /bank-linking/connect/start`: a session for a new connection. */
  startConnection(body: StartMeldConnectionBody, options?: MeldCallOptions): Promise<MeldConnectSession>;
  /** `POST /bank-linking/connect/repair`: a session that opens the widget at the bank's login. */
  repairConnection(connectionId: string, options?: MeldCallOptions): Promise<MeldRepairSession>;
  /** `POST /bank-linking/connections/{id}/refresh` (202). */
  refreshConnection(
    connectionId: string,
    body?: { products?: readonly MeldProduct[] | undefined },
    options?: MeldCallOptions,
  ): Promise<MeldAcceptedRequest>;
  /** `POST /bank-linking/connections/{id}/update` with `{ products }` (202). */
  updateConnectionProducts(connectionId: string, products: readonly MeldProduct[], options?: MeldCallOptions): Promise<MeldAcceptedRequest>;
  /** `DELETE /bank-linking/connections/{id}` (204). */
  deleteConnection(connectionId: string, options?: MeldCallOptions): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 250;
const DEFAULT_MAX_CONNECTIONS = 500;
const MAX_PAGE_SIZE = 100;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function asConnection(value: unknown): MeldConnection | undefined {
  return isObject(value) && nonEmptyString(value.id) && nonEmptyString(value.status) ? (value as MeldConnection) : undefined;
}

function asPage(value: unknown): MeldConnectionPage | undefined {
  if (!isObject(value) || !Array.isArray(value.connections)) return undefined;
  const connections: MeldConnection[] = [];
  for (const item of value.connections) {
    const connection = asConnection(item);
    if (!connection) return undefined;
    connections.push(connection);
  }
  const remaining = typeof value.remaining === 'number' && value.remaining >= 0 ? value.remaining : 0;
  const count = typeof value.count === 'number' ? value.count : connections.length;
  return { count, remaining, connections };
}

function asSession<T extends { id: string; connectToken: string }>(value: unknown, needsWidgetUrl: boolean): T | undefined {
  if (!isObject(value) || !nonEmptyString(value.id) || !nonEmptyString(value.connectToken)) return undefined;
  if (needsWidgetUrl && !nonEmptyString(value.widgetUrl)) return undefined;
  return value as T;
}

function asAccepted(value: unknown): MeldAcceptedRequest | undefined {
  return isObject(value) && nonEmptyString(value.requestId) ? { requestId: value.requestId } : undefined;
}

function connectionPath(connectionId: string, suffix = ''): string {
  if (!nonEmptyString(connectionId)) {
    throw new TypeError('meld-reconnect-kit/server: a connection id must be a non-empty string.');
  }
  return `/bank-linking/connections/${encodeURIComponent(connectionId)}${suffix}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A page size Meld accepts: an integer from 1 to 100. */
function pageSize(value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`meld-reconnect-kit/server: a page size is a number from 1 to ${MAX_PAGE_SIZE}, not ${JSON.stringify(value)}.`);
  }
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(value)));
}

function checkProducts(products: unknown, what: string): readonly MeldProduct[] {
  if (!Array.isArray(products) || products.length === 0 || !products.every(nonEmptyString)) {
    throw new TypeError(`meld-reconnect-kit/server: ${what} needs a non-empty array of product names, e.g. ['TRANSACTIONS'].`);
  }
  return products;
}

/**
 * Makes a typed client for Meld's bank-linking API, for your server only.
 *
 * Sends `Authorization: BASIC <apiKey>` and `Meld-Version` on every call;
 * turns Meld's error envelope into a {@link MeldApiError}; gives up on an
 * attempt after `timeoutMs`. Only GETs are retried (after a 5xx or a network
 * error, with exponential backoff): a repeated POST could mint a second token
 * or start a second refresh. The key lives in a closure, so logging the client
 * never prints it.
 *
 * @example
 * const meld = createMeldClient({ apiKey: process.env.MELD_API_KEY!, environment: 'production' });
 * const connection = await meld.getConnection('conn_123');
 */
export function createMeldClient(options: MeldClientOptions): MeldClient {
  if (typeof window !== 'undefined' && typeof document !== 'undefined') {
    throw new Error('meld-reconnect-kit/server: createMeldClient runs on your server only; the Meld API key must never reach a browser.');
  }
  const apiKey = options?.apiKey;
  if (!nonEmptyString(apiKey)) {
    throw new TypeError(
      'meld-reconnect-kit/server: createMeldClient needs { apiKey }: your Meld API key, read from a server environment variable, e.g. createMeldClient({ apiKey: process.env.MELD_API_KEY }).',
    );
  }
  if (!isHeaderToken(apiKey)) {
    // Never quote the key: this message reaches logs.
    throw new TypeError(
      "meld-reconnect-kit/server: createMeldClient's apiKey must be printable ASCII with no spaces, line breaks, control or non-ASCII characters (often a trailing newline from the file or secret store it was read from: apiKey: process.env.MELD_API_KEY?.trim()). The key is not shown here.",
    );
  }
  // Every error the client creates is scrubbed of these, whatever fetch put in its messages.
  const keyForms = secretForms(apiKey);
  const environment = options.environment ?? 'sandbox';
  if (environment !== 'sandbox' && environment !== 'production') {
    throw new TypeError(`meld-reconnect-kit/server: createMeldClient's environment is 'sandbox' or 'production', not ${JSON.stringify(environment)}.`);
  }
  const baseUrl = (options.baseUrl ?? MELD_BASE_URLS[environment]).replace(/\/+$/, '');
  try {
    new URL(baseUrl);
  } catch {
    throw new TypeError(`meld-reconnect-kit/server: createMeldClient's baseUrl must be an absolute URL, e.g. ${MELD_BASE_URLS.sandbox}.`);
  }
  const version = options.version ?? MELD_API_VERSION;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const doFetch = options.fetch;

  /** One attempt. Throws MeldApiError (or the caller's abort reason). */
  async function attempt(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = {
      authorization: `BASIC ${apiKey}`,
      'meld-version': version,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const onCallerAbort = () => timeout.abort(signal?.reason);
    if (signal?.aborted) onCallerAbort();
    else signal?.addEventListener('abort', onCallerAbort, { once: true });
    const fail = (kind: MeldApiErrorKind, detail: string, extra: Partial<ConstructorParameters<typeof MeldApiError>[0]> = {}): never => {
      throw new MeldApiError({
        kind,
        method,
        path,
        ...extra,
        message: redactText(`Meld ${method} ${path} ${detail}`, keyForms),
        displayMessage: extra.displayMessage === undefined ? undefined : redactText(extra.displayMessage, keyForms),
        cause: extra.cause === undefined ? undefined : redactError(extra.cause, keyForms),
      });
    };
    try {
      let response: Response;
      let text: string;
      try {
        response = await (doFetch ?? globalThis.fetch)(`${baseUrl}${path}`, {
          method,
          headers,
          signal: timeout.signal,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        text = response.status === 204 ? '' : await response.text();
      } catch (cause) {
        if (signal?.aborted) throw signal.reason ?? redactError(cause, keyForms);
        if (timeout.signal.aborted) return fail('timeout', `did not answer within ${timeoutMs} ms.`, { cause });
        return fail('network', `failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
      let json: unknown;
      let parsed = text === '';
      if (!parsed) {
        try {
          json = JSON.parse(text);
          parsed = true;
        } catch {
          // an error answer keeps its status; a success answer is invalid
        }
      }
      const { status } = response;
      if (!response.ok) {
        const envelope = isObject(json) ? json : {};
        const pick = (key: string) => (typeof envelope[key] === 'string' ? (envelope[key] as string) : undefined);
        const code = pick('code');
        const message = pick('message');
        return fail('http', `answered ${status}${code ? ` (${code})` : ''}${message ? `: ${message}` : ''}`, {
          status,
          code,
          requestId: pick('requestId'),
          displayMessage: pick('displayMessage'),
          retryAfter: status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : undefined,
        });
      }
      if (!parsed) return fail('invalid-response', `answered ${status} with a body that is not JSON.`, { status });
      return { status, json };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async function call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    parse: (json: unknown) => T | undefined,
    expected: string,
    callOptions: MeldCallOptions | undefined,
    body?: unknown,
  ): Promise<T> {
    const signal = callOptions?.signal;
    for (let tries = 0; ; tries += 1) {
      try {
        const { status, json } = await attempt(method, path, body, signal);
        const result = parse(json);
        if (result === undefined) {
          throw new MeldApiError({ kind: 'invalid-response', method, path, status, message: `Meld ${method} ${path} answered ${status} without ${expected}.` });
        }
        return result;
      } catch (error) {
        const retryable =
          method === 'GET' &&
          tries < retries &&
          error instanceof MeldApiError &&
          (error.kind === 'network' || (error.kind === 'http' && (error.status ?? 0) >= 500));
        if (!retryable) throw error;
        await sleep(retryDelayMs * 2 ** tries * (0.5 + Math.random() / 2), signal);
      }
    }
  }

  const client: MeldClient = {
    baseUrl,

    getConnection: (connectionId, callOptions) =>
      call('GET', connectionPath(connectionId), (json) => {
        const connection = asConnection(json);
        return connection?.id === connectionId ? connection : undefined;
      }, `the connection ${connectionId}`, callOptions),

    listConnections(params = {}, callOptions) {
      if (params.before !== undefined && params.after !== undefined) {
        throw new TypeError('meld-reconnect-kit/server: listConnections takes before or after, not both (Meld refuses both in one request).');
      }
      const query = new URLSearchParams();
      for (const name of ['customerId', 'externalCustomerId', 'institutionId', 'institutionName', 'startDate', 'endDate'] as const) {
        const value = params[name];
        if (value !== undefined) query.set(name, value);
      }
      if (params.statuses?.length) query.set('statuses', params.statuses.join(','));
      if (params.serviceProviders?.length) query.set('serviceProviders', params.serviceProviders.join(','));
      if (params.limit !== undefined) query.set('limit', String(pageSize(params.limit)));
      if (params.before !== undefined) query.set('before', params.before);
      if (params.after !== undefined) query.set('after', params.after);
      const search = query.size > 0 ? `?${query}` : '';
      return call('GET', `/bank-linking/connections${search}`, asPage, '{ connections[] }', callOptions);
    },

    async listAllConnections(params = {}, callOptions) {
      const { maxConnections, pageSize: size, before, after, ...filters } = params;
      if (before !== undefined && after !== undefined) {
        throw new TypeError('meld-reconnect-kit/server: listAllConnections takes before or after, not both.');
      }
      const max = maxConnections ?? DEFAULT_MAX_CONNECTIONS;
      const backwards = before !== undefined;
      const limit = pageSize(size ?? MAX_PAGE_SIZE);
      const pages: MeldConnection[][] = [];
      let total = 0;
      let cursor = backwards ? before : after;
      while (total < max) {
        const path = '/bank-linking/connections';
        const page = await client.listConnections(
          { ...filters, limit: Math.min(limit, max - total), ...(backwards ? { before: cursor } : { after: cursor }) },
          callOptions,
        );
        pages.push(page.connections);
        total += page.connections.length;
        if (page.remaining <= 0 || page.connections.length === 0 || total >= max) break;
        // Meld's cursor is the listed connection's `key` ("its position in the list"), never its id.
        const edge = backwards ? page.connections[0] : page.connections.at(-1);
        const next = edge?.key;
        if (!nonEmptyString(next)) {
          throw new MeldApiError({
            kind: 'invalid-response',
            method: 'GET',
            path,
            status: 200,
            message: `Meld GET ${path} answered a page with ${page.remaining} connections remaining, but its ${backwards ? 'first' : 'last'} connection has no key to page on.`,
          });
        }
        if (next === cursor) break; // the cursor would not move: never loop
        cursor = next;
      }
      const all = backwards ? pages.reverse().flat() : pages.flat();
      // Backwards, the ones nearest the cursor were read first: keep those.
      return backwards ? all.slice(Math.max(0, all.length - max)) : all.slice(0, max);
    },

    startConnection(body, callOptions) {
      if (!isObject(body) || !nonEmptyString(body.externalCustomerId)) {
        throw new TypeError('meld-reconnect-kit/server: startConnection needs { externalCustomerId }: your id for the customer.');
      }
      return call('POST', '/bank-linking/connect/start', (json) => asSession<MeldConnectSession>(json, true), 'a connect session (id, connectToken, widgetUrl)', callOptions, body);
    },

    repairConnection(connectionId, callOptions) {
      if (!nonEmptyString(connectionId)) connectionPath(connectionId);
      return call('POST', '/bank-linking/connect/repair', (json) => asSession<MeldRepairSession>(json, false), 'a repair session (id, connectToken)', callOptions, { connectionId });
    },

    refreshConnection(connectionId, body, callOptions) {
      const path = connectionPath(connectionId, '/refresh');
      const products = body?.products === undefined ? undefined : checkProducts(body.products, 'refreshConnection');
      return call('POST', path, asAccepted, 'a requestId', callOptions, products ? { products } : {});
    },

    updateConnectionProducts(connectionId, products, callOptions) {
      const path = connectionPath(connectionId, '/update');
      return call('POST', path, asAccepted, 'a requestId', callOptions, { products: checkProducts(products, 'updateConnectionProducts') });
    },

    async deleteConnection(connectionId, callOptions) {
      await call('DELETE', connectionPath(connectionId), () => null, 'an answer', callOptions);
    },
  };
  return client;
}
