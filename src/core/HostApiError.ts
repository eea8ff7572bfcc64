import type { ConnectionOperation } from './statuses.js';

/**
 * Why a call to a host endpoint failed.
 *
 * - `not-found` (404), `conflict` (409), `rate-limited` (429), `unauthorized`
 *   (401, 403), `bad-request` (any other 4xx), `server` (5xx)
 * - `network`: no answer (offline, DNS, CORS, connection reset)
 * - `timeout`: the call (headers option, answer and body) did not finish within `timeoutMs`
 * - `invalid-response`: an answer that is not JSON or not the expected shape
 * - `headers`: the client's `headers` option threw, rejected or gave headers
 *   `fetch` refuses; nothing was sent (the original error is the `cause`)
 * - `invalid-link`: a repair link the host refused (404 with code
 *   `REPAIR_LINK_INVALID` from `POST {base}/repair-links/redeem`): malformed,
 *   tampered, expired, used, another customer's or for a connection that is
 *   gone, all alike; or a token the kit refused by its shape without a request.
 *   Final: the same link never works again.
 */
export type HostApiErrorKind =
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'unauthorized'
  | 'bad-request'
  | 'server'
  | 'network'
  | 'timeout'
  | 'invalid-response'
  | 'headers'
  | 'invalid-link';

export interface HostApiErrorInit {
  kind: HostApiErrorKind;
  message: string;
  status?: number | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
  displayMessage?: string | undefined;
  retryAfter?: number | undefined;
  cause?: unknown;
}

/**
 * A failed call to a host endpoint, with what the backend said about it.
 * Check with `instanceof HostApiError` and branch on `kind`.
 */
export class HostApiError extends Error {
  override readonly name = 'HostApiError';
  readonly kind: HostApiErrorKind;
  /** HTTP status, when there was an answer. */
  readonly status: number | undefined;
  /** The backend's (or Meld's) error code from the body. */
  readonly code: string | undefined;
  /** The request id from the body, for support tickets. */
  readonly requestId: string | undefined;
  /** Text the backend meant for the customer, if any. Render as text. */
  readonly displayMessage: string | undefined;
  /** For `rate-limited`: seconds to wait, from the `Retry-After` header. */
  readonly retryAfter: number | undefined;

  constructor(init: HostApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.displayMessage = init.displayMessage;
    this.retryAfter = init.retryAfter;
  }
}

/**
 * Why the kit refused an operation by itself.
 *
 * - `status`: the connection's cached status does not allow it (see `isOperationAllowed`)
 * - `needs-customer-action`: allowed only as the direct result of a customer's
 *   click or key press (DEGRADED + INTERACTIVE_REFRESH), and this was not one
 */
export type OperationNotAllowedErrorKind = 'status' | 'needs-customer-action';

/**
 * An operation the kit refused without calling the network, because the
 * connection's cached status does not allow it (see `isOperationAllowed`), or
 * because it needs the customer's own action (DEGRADED + INTERACTIVE_REFRESH).
 * Check with `instanceof OperationNotAllowedError` and branch on `kind`.
 */
export class OperationNotAllowedError extends Error {
  override readonly name = 'OperationNotAllowedError';
  readonly kind: OperationNotAllowedErrorKind;
  readonly operation: ConnectionOperation;
  readonly connectionId: string;
  readonly status: string;
  readonly reason: string | null;

  constructor(
    operation: ConnectionOperation,
    connectionId: string,
    status: string,
    reason: string | null,
    kind: OperationNotAllowedErrorKind = 'status',
  ) {
    super(
      kind === 'status'
        ? `Cannot ${operation} connection ${connectionId}: its status ${status}${reason ? `/${reason}` : ''} does not allow it.`
        : `Cannot ${operation} connection ${connectionId} (${status}/${reason}) except as the direct result of a customer's action.`,
    );
    this.kind = kind;
    this.operation = operation;
    this.connectionId = connectionId;
    this.status = status;
    this.reason = reason;
  }

  /** @deprecated Use {@link OperationNotAllowedError.kind}; same values. */
  get why(): OperationNotAllowedErrorKind {
    return this.kind;
  }
}
