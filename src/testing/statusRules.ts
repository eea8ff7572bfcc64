// Status rules the simulator and the host mock share: which statuses an
// operation accepts (MELD.md §2, seed 002) and the reason a status gets when
// none is given (from STATUS_TABLE). Browser-safe.
import { STATUS_TABLE } from '../core/statusTable.js';
import { MeldTestingError } from './MeldTestingError.js';

/** Meld answers 409 to a repair of these (seed 000, "start a new connection instead"). */
export const NOT_REPAIRABLE: ReadonlySet<string> = new Set(['EXPIRED', 'DELETED', 'IN_PROGRESS']);
/** Meld refreshes these only (seed 002); anything else answers 409. */
export const REFRESHABLE: ReadonlySet<string> = new Set(['ACTIVE', 'PARTIALLY_ACTIVE', 'DEGRADED', 'UNDETERMINED']);
/** Nothing can be updated on these. */
export const NOT_UPDATABLE: ReadonlySet<string> = new Set(['EXPIRED', 'DELETED']);
/** The products Meld aggregates. */
export const MELD_PRODUCTS: ReadonlySet<string> = new Set([
  'BALANCES',
  'IDENTIFIERS',
  'INVESTMENT_HOLDINGS',
  'INVESTMENT_TRANSACTIONS',
  'OWNERS',
  'TRANSACTIONS',
]);

/** What `connect/start` uses when the request names no products (Meld's OpenAPI default). */
export const MELD_DEFAULT_PRODUCTS: readonly string[] = Object.freeze(['TRANSACTIONS', 'IDENTIFIERS', 'BALANCES', 'OWNERS']);

const ENUM = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The reason a status gets when the caller gives none: `null` when the table
 * has a row without a reason for it (ACTIVE, IN_PROGRESS, ...), else the
 * first reason the table lists (RECONNECT_REQUIRED -> LOGIN_REQUIRED). A
 * status the table does not know gets `null`.
 */
export function defaultReason(status: string): string | null {
  const rows = STATUS_TABLE.filter((row) => row.status === status);
  if (rows.length === 0 || rows.some((row) => row.reason === null)) return null;
  return rows[0]!.reason;
}

/**
 * Checks a status and reason a test wants to set. Any upper-case status Meld
 * could send is accepted, not only the table's, so a test can show what the
 * UI does with a status Meld adds later.
 */
export function checkStatus(status: unknown, reason: unknown, where: string): asserts status is string {
  if (typeof status !== 'string' || !ENUM.test(status)) {
    throw new MeldTestingError(
      'invalid-status',
      `${where}: the status must be upper case with underscores, e.g. 'RECONNECT_REQUIRED' (see STATUS_TABLE), not ${JSON.stringify(status)}.`,
    );
  }
  if (reason !== undefined && reason !== null && (typeof reason !== 'string' || !ENUM.test(reason))) {
    throw new MeldTestingError(
      'invalid-status',
      `${where}: the status reason must be null or upper case with underscores, e.g. 'LOGIN_REQUIRED', not ${JSON.stringify(reason)}.`,
    );
  }
}

/** 22 random base62 characters, like Meld's ids. Web Crypto: works in Node and browsers. */
export function randomId(prefix = ''): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(22));
  let out = prefix;
  // 62 does not divide 256: the small bias is irrelevant for test ids.
  for (const byte of bytes) out += alphabet[byte % 62];
  return out;
}
