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
 */
export type MeldTestingErrorCode =
  | 'invalid-option'
  | 'port-in-use'
  | 'unknown-connection'
  | 'unknown-webhook'
  | 'duplicate-connection'
  | 'invalid-status'
  | 'not-node'
  | 'closed';

/** A misuse of the Meld simulator or of `hostApiHandlers`. Branch on `code`. */
export class MeldTestingError extends Error {
  override readonly name = 'MeldTestingError';
  readonly code: MeldTestingErrorCode;

  constructor(code: MeldTestingErrorCode, message: string, options?: { cause?: unknown }) {
    super(`meld-reconnect-kit/testing: ${message}`, options);
    this.code = code;
  }
}
