/**
 * Why a call to Meld's API failed.
 *
 * - `http`: Meld answered with an error status (see `status`, `code`)
 * - `timeout`: no answer within the client's `timeoutMs`
 * - `network`: no answer at all (DNS, TLS, connection reset)
 * - `invalid-response`: an answer that is not JSON or not the documented shape
 */
export type MeldApiErrorKind = 'http' | 'timeout' | 'network' | 'invalid-response';

/** Fields for {@link MeldApiError}. */
export interface MeldApiErrorInit {
  kind: MeldApiErrorKind;
  message: string;
  /** `GET`, `POST`, `DELETE`. */
  method: string;
  /** The path called, e.g. `/bank-linking/connections/abc`. Never carries the key. */
  path: string;
  status?: number | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
  displayMessage?: string | undefined;
  retryAfter?: number | undefined;
  cause?: unknown;
}

/**
 * A failed call to Meld's API, from Meld's error envelope
 * (`{ code, message, requestId, timestamp, displayMessage? }`). Branch on
 * `status` (Meld documents the HTTP statuses, not the `code` strings). The
 * message is for your logs: it names the call and Meld's message, never the key.
 * `cause` (what `fetch` threw) is a copy with the key scrubbed from its
 * message, stack and own `cause` chain; its other properties are dropped.
 */
export class MeldApiError extends Error {
  override readonly name = 'MeldApiError';
  readonly kind: MeldApiErrorKind;
  /** The HTTP status Meld answered with, when there was an answer. */
  readonly status: number | undefined;
  /** Meld's error `code`, when the body had one. */
  readonly code: string | undefined;
  /** Meld's `requestId`, for a support ticket with Meld. */
  readonly requestId: string | undefined;
  /** Text Meld meant for the customer, if any. */
  readonly displayMessage: string | undefined;
  /** For a 429: seconds to wait, from Meld's `Retry-After` header. */
  readonly retryAfter: number | undefined;
  readonly method: string;
  readonly path: string;

  constructor(init: MeldApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.displayMessage = init.displayMessage;
    this.retryAfter = init.retryAfter;
    this.method = init.method;
    this.path = init.path;
  }
}
