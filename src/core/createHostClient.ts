import { HostApiError, type HostApiErrorInit, type HostApiErrorKind } from './HostApiError.js';
import { parseRetryAfter } from './retryAfter.js';
import type { AcceptedRequest, Connection, MeldProduct, RedeemedRepairLink, RepairSession } from './types.js';
import { asAccepted, asConnection, asConnectionList, asRedeemedRepairLink, asRepairSession, errorBodyFields } from './validate.js';

/** Per-call options every {@link HostApi} method accepts. */
export interface HostRequestOptions {
  /** Aborts the call; an aborted call rejects with the signal's reason, not a HostApiError. */
  signal?: AbortSignal | undefined;
}

/**
 * The host endpoint contract, as the kit calls it. `createHostClient` makes one
 * over HTTP; a host may pass its own implementation (e.g. over GraphQL) to
 * `ReconnectKitProvider` instead. Implementations should reject with
 * {@link HostApiError} so the kit can tell failures apart.
 */
export interface HostApi {
  listConnections(options?: HostRequestOptions): Promise<Connection[]>;
  getConnection(connectionId: string, options?: HostRequestOptions): Promise<Connection>;
  repairConnection(connectionId: string, options?: HostRequestOptions): Promise<RepairSession>;
  refreshConnection(connectionId: string, options?: HostRequestOptions): Promise<AcceptedRequest>;
  updateConnectionProducts(
    connectionId: string,
    products: readonly MeldProduct[],
    options?: HostRequestOptions,
  ): Promise<AcceptedRequest>;
  deleteConnection(connectionId: string, options?: HostRequestOptions): Promise<void>;
  /**
   * Redeems a repair link's token (`POST {base}/repair-links/redeem`) for the
   * connection it was issued for. A refused link (malformed, tampered, expired,
   * used, another customer's, a connection that is gone) rejects with
   * `HostApiError` of kind `invalid-link`. Optional, so that a host API written
   * before repair links still type-checks; `useRepairLink` needs it.
   */
  redeemRepairLink?(token: string, options?: HostRequestOptions): Promise<RedeemedRepairLink>;
  /** The URL of the live status stream (`GET {base}/events`), when the client knows it. */
  readonly eventsUrl?: string | undefined;
  /** The widget relay page popup mode opens (`GET {base}/widget-relay`), when the client knows it. */
  readonly widgetRelayUrl?: string | undefined;
}

export interface HostClientOptions {
  /** Where the host mounted the contract, e.g. `/api/meld` or `https://api.example.com/meld`. */
  baseUrl: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /**
   * Extra headers (auth, CSRF), or a function that returns them for each call.
   * A function that throws (or rejects) fails the call as `kind: 'headers'`
   * without sending it; its time counts towards `timeoutMs`.
   */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>) | undefined;
  /** Defaults to `'same-origin'`. */
  credentials?: RequestCredentials | undefined;
  /**
   * Gives up on a call after this long, as `kind: 'timeout'`: the whole call,
   * from the `headers` option to the last byte of the body. Defaults to 15 000 ms.
   */
  timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** The code every refused repair link answers with (404), whatever the reason. */
const REPAIR_LINK_INVALID = 'REPAIR_LINK_INVALID';

function kindForStatus(status: number, code: string | undefined): HostApiErrorKind {
  if (status === 404) return code === REPAIR_LINK_INVALID ? 'invalid-link' : 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'server';
  return 'bad-request';
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Runs `run` and settles with it, or rejects with the signal's reason as soon
 * as the signal aborts: a custom `fetch`, a body or a `headers` function that
 * ignores the signal cannot outlive the call.
 */
function untilAborted<T>(run: () => T | PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    new Promise<T>((settle) => settle(run()))
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function connectionPath(connectionId: string, suffix = ''): string {
  if (typeof connectionId !== 'string' || connectionId.length === 0) {
    throw new TypeError('meld-reconnect-kit: a connection id must be a non-empty string.');
  }
  return `/connections/${encodeURIComponent(connectionId)}${suffix}`;
}

/**
 * Makes a {@link HostApi} that calls the host endpoint contract over HTTP.
 *
 * Every failure rejects with a {@link HostApiError}; answers are checked, so a
 * connection without `id`/`status` or a repair session without `widgetUrl` is
 * `kind: 'invalid-response'`. Calls never retry here; the hooks decide.
 *
 * @example
 * const hostApi = createHostClient({ baseUrl: '/api/meld', headers: () => ({ 'x-csrf': token() }) });
 */
export function createHostClient(options: HostClientOptions): HostApi & Required<Pick<HostApi, 'redeemRepairLink'>> {
  if (typeof options?.baseUrl !== 'string' || options.baseUrl.trim() === '') {
    throw new TypeError('meld-reconnect-kit: createHostClient needs a baseUrl, e.g. createHostClient({ baseUrl: "/api/meld" }).');
  }
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const credentials = options.credentials ?? 'same-origin';

  /**
   * One call: `parse` checks the answer (undefined means malformed, described
   * by `expected`). Every failure becomes a HostApiError; a caller's abort
   * rejects with the signal's reason.
   */
  async function call<T>(
    method: string,
    path: string,
    callOptions: HostRequestOptions | undefined,
    parse: (json: unknown) => T | undefined,
    expected: string,
    body?: unknown,
  ): Promise<T> {
    const url = `${baseUrl}${path}`;
    const what = `${method} ${url}`;
    const fail = (kind: HostApiErrorKind, detail: string, extraInit?: Partial<HostApiErrorInit>): never => {
      throw new HostApiError({ kind, message: `${what} ${detail}`, ...extraInit });
    };

    // One deadline for the whole call: the headers option, the request and the body.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const callerSignal = callOptions?.signal;
    const onCallerAbort = () => timeout.abort(callerSignal?.reason);
    if (callerSignal?.aborted) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const signal = timeout.signal;
    const aborted = (cause: unknown, detail: string): never => {
      if (callerSignal?.aborted) throw callerSignal.reason ?? cause;
      return fail('timeout', `${detail} within ${timeoutMs} ms.`, { cause });
    };

    try {
      let headers: Headers;
      try {
        const extra = await untilAborted(
          () => (typeof options.headers === 'function' ? options.headers() : options.headers),
          signal,
        );
        headers = new Headers(extra);
      } catch (cause) {
        if (signal.aborted) return aborted(cause, 'was not sent: the headers option did not settle');
        return fail('headers', `was not sent: the headers option threw (${describe(cause)}). Fix the headers passed to createHostClient.`, { cause });
      }
      headers.set('accept', 'application/json');
      // Every change says JSON, with a body or without: the host's handler refuses
      // anything else, since a cross-site form cannot send this type (CSRF).
      if (body !== undefined || method !== 'GET') headers.set('content-type', 'application/json');

      let response: Response;
      try {
        const doFetch = options.fetch ?? globalThis.fetch;
        response = await untilAborted(
          () =>
            doFetch(url, {
              method,
              headers,
              credentials,
              signal,
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            }),
          signal,
        );
      } catch (cause) {
        if (signal.aborted) return aborted(cause, 'did not answer');
        const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
        return fail('network', `failed${offline ? ' (offline)' : ''}: ${describe(cause)}`, { cause });
      }

      const { status } = response;
      let text = '';
      try {
        if (status !== 204) text = await untilAborted(() => response.text(), signal);
      } catch (cause) {
        if (signal.aborted) return aborted(cause, `answered ${status} but did not finish its body`);
        return fail('network', `answered ${status} but its body could not be read: ${describe(cause)}`, { status, cause });
      }
      let json: unknown;
      let parsed = text === '';
      try {
        if (!parsed) {
          json = JSON.parse(text);
          parsed = true;
        }
      } catch {
        // not JSON: an error answer keeps its status; a success answer is invalid
      }

      if (!response.ok) {
        const fields = errorBodyFields(json);
        fail(kindForStatus(status, fields.code), `answered ${status}${fields.code ? ` (${fields.code})` : ''}${fields.message ? `: ${fields.message}` : ''}`, {
          status,
          code: fields.code,
          requestId: fields.requestId,
          displayMessage: fields.displayMessage,
          retryAfter: status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : undefined,
        });
      }
      const result = parsed ? parse(json) : undefined;
      return result === undefined ? fail('invalid-response', `answered ${status} without ${expected}.`, { status }) : result;
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    eventsUrl: `${baseUrl}/events`,
    widgetRelayUrl: `${baseUrl}/widget-relay`,

    listConnections: async (callOptions) => call('GET', '/connections', callOptions, asConnectionList, '{ connections: Connection[] }'),

    getConnection: async (connectionId, callOptions) =>
      call('GET', connectionPath(connectionId), callOptions, (json) => {
        const connection = asConnection(json);
        return connection?.id === connectionId ? connection : undefined;
      }, `the connection ${connectionId} (with an id and a status)`),

    repairConnection: async (connectionId, callOptions) =>
      call('POST', connectionPath(connectionId, '/repair'), callOptions, (json) => asRepairSession(json, connectionId), 'a repair session (connectToken, widgetUrl)'),

    refreshConnection: async (connectionId, callOptions) =>
      call('POST', connectionPath(connectionId, '/refresh'), callOptions, asAccepted, 'a requestId'),

    async updateConnectionProducts(connectionId, products, callOptions) {
      const path = connectionPath(connectionId, '/update');
      if (!Array.isArray(products) || products.length === 0 || !products.every((p) => typeof p === 'string')) {
        throw new TypeError('meld-reconnect-kit: updateConnectionProducts needs a non-empty array of product names.');
      }
      return call('POST', path, callOptions, asAccepted, 'a requestId', { products });
    },

    deleteConnection: async (connectionId, callOptions) =>
      call('DELETE', connectionPath(connectionId), callOptions, () => null, 'an answer').then(() => undefined),

    async redeemRepairLink(token, callOptions) {
      if (typeof token !== 'string' || token.length === 0) {
        throw new TypeError('meld-reconnect-kit: redeemRepairLink needs the link\'s token, a non-empty string.');
      }
      return call('POST', '/repair-links/redeem', callOptions, asRedeemedRepairLink, '{ connectionId, connection } for the link', { token });
    },
  };
}
