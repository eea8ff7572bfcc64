/**
 * Why a call into `meld-reconnect-kit/testing` was refused.
 *
 * - `invalid-option`: an option of `createMeldSimulator` or `hostApiHandlers` is wrong (the message names the fix)
 * - `port-in-use`: the simulator could not listen on the port it was given
 * - `unknown-connection`: no connection with that id
 * - `unknown-webhook`: no webhook with that event id was sent
 * - `duplicate-connection`: a connection with that id exists already
 * - `invalid-status`: not a status/reason Meld could send (upper case with underscores)
 * - `not-node`: `createMeldSimulator` was called outside Node
 * - `closed`: the simulator was closed
 * - `msw-missing`: `hostApiHandlers` from `meld-reconnect-kit/testing` needs `msw` 2, which is not installed (`npm i -D msw`)
 */
export type MeldTestingErrorKind =
  | 'invalid-option'
  | 'port-in-use'
  | 'unknown-connection'
  | 'unknown-webhook'
  | 'duplicate-connection'
  | 'invalid-status'
  | 'not-node'
  | 'closed'
  | 'msw-missing';

/** @deprecated Use {@link MeldTestingErrorKind}; same values. */
export type MeldTestingErrorCode = MeldTestingErrorKind;

/**
 * A misuse of the Meld simulator or of `hostApiHandlers`. Check with
 * `instanceof MeldTestingError` and branch on `kind`.
 */
export class MeldTestingError extends Error {
  override readonly name = 'MeldTestingError';
  readonly kind: MeldTestingErrorKind;

  constructor(kind: MeldTestingErrorKind, message: string, options?: { cause?: unknown }) {
    super(`meld-reconnect-kit/testing: ${message}`, options);
    this.kind = kind;
  }

  /** @deprecated Use {@link MeldTestingError.kind}; same values. */
  get code(): MeldTestingErrorKind {
    return this.kind;
  }
}
