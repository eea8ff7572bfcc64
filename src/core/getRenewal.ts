import { dayNumber } from './calendarDay.js';
import type { Connection } from './types.js';

/** Where a renewal date came from. */
export type RenewalSource = 'provider' | 'policy' | 'unknown';

/** When a connection's access must be renewed, as far as anyone said. */
export interface Renewal {
  /** The moment access ends. Absent when nobody gave a date (`source: 'unknown'`). */
  renewBy?: Date | undefined;
  /**
   * `provider`: the data provider's own consent expiry. `policy`: the host's
   * record of the last authorization plus the period it opted into.
   * `unknown`: neither; the kit never guesses one.
   */
  source: RenewalSource;
  /**
   * Calendar days from today to the day of `renewBy`, both in `timeZone`:
   * 0 on the day itself, negative once it has passed. Absent with no date.
   */
  daysLeft?: number | undefined;
}

/** A renewal period the host opts into, from its own record of the customer's last authorization. */
export interface RenewalPolicy {
  /**
   * When the customer last authorized access (connected or repaired), as the
   * host recorded it: a `Date`, epoch milliseconds or an ISO 8601 string with
   * a time zone. Invalid or missing: no date (`unknown`).
   */
  lastAuthorizedAt: Date | number | string | null | undefined;
  /**
   * Days until the authorization lapses, counted as elapsed time (24 h a day):
   * 90 (UK, FCA PS21/19 Article 10A), 180 (EU, Delegated Regulation 2022/2360),
   * 365 (US, CFPB 1033), or any positive number.
   */
  periodDays: number;
}

export interface GetRenewalOptions {
  /** The host's own period, used only when the provider gives no date. */
  policy?: RenewalPolicy | undefined;
  /** The time to count `daysLeft` from. Defaults to the current time. */
  now?: Date | number | undefined;
  /** The IANA time zone whose calendar days `daysLeft` counts (the customer's). Defaults to `UTC`. */
  timeZone?: string | undefined;
}

const DAY_MS = 86_400_000;
// RFC 3339 date-time with an explicit offset, or a bare date (Yodlee's `date` type).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// Outside these years a date is a typo or a sentinel, not a consent expiry.
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A strict date: an RFC 3339 date-time with its zone, or a bare `YYYY-MM-DD` (the start of that day in UTC). */
function parseDate(value: unknown): number | undefined {
  if (value instanceof Date) return inRange(value.getTime());
  if (typeof value === 'number') return Number.isFinite(value) ? inRange(value) : undefined;
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const dateOnly = DATE_ONLY.test(value);
  if (!dateOnly && !DATE_TIME.test(value)) return undefined;
  // Runtimes differ on 2025-02-30: a day the month does not have is refused here.
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const time = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) return undefined;
  return inRange(time);
}

function inRange(time: number): number | undefined {
  return time >= MIN_TIME && time < MAX_TIME ? time : undefined;
}

function earliest(dates: readonly unknown[]): number | undefined {
  let found: number | undefined;
  for (const date of dates) {
    const time = parseDate(date);
    if (time !== undefined && (found === undefined || time < found)) found = time;
  }
  return found;
}

/**
 * The provider's consent expiry, in the shapes the kit can cite (see
 * docs/renewal-and-notifications.md), else `undefined`:
 *
 * - the connection's `consentExpiresAt`: a field the host backend derives
 *   (the browser never receives `serviceProviderDetails` beyond its name);
 * - Plaid (`serviceProvider: 'PLAID'`): `consent_expiration_time` at the top
 *   of `serviceProviderDetails` (as in Plaid's PENDING_EXPIRATION webhook) or
 *   on its `item` (Plaid's Item object);
 * - Yodlee (`serviceProvider: 'YODLEE'`): `consent.expirationDate` (Yodlee's
 *   Consent resource; one consent or a list of them).
 *
 * Several dates: the earliest.
 */
function providerExpiry(connection: Connection): number | undefined {
  const candidates: unknown[] = [connection.consentExpiresAt];
  const details = connection.serviceProviderDetails;
  if (isObject(details)) {
    if (details.serviceProvider === 'PLAID') {
      candidates.push(details.consent_expiration_time);
      if (isObject(details.item)) candidates.push(details.item.consent_expiration_time);
    } else if (details.serviceProvider === 'YODLEE') {
      const consents = Array.isArray(details.consent) ? details.consent.slice(0, 32) : [details.consent];
      for (const consent of consents) if (isObject(consent)) candidates.push(consent.expirationDate);
    }
  }
  return earliest(candidates);
}

function policyExpiry(policy: RenewalPolicy | undefined): number | undefined {
  if (!policy) return undefined;
  const { periodDays } = policy;
  if (typeof periodDays !== 'number' || !Number.isFinite(periodDays) || periodDays <= 0 || periodDays > 36_500) return undefined;
  const from = parseDate(policy.lastAuthorizedAt);
  return from === undefined ? undefined : inRange(from + Math.round(periodDays * DAY_MS));
}

/**
 * When a connection's access must be renewed: the provider's consent expiry
 * when the connection carries one, else the date from a policy the host opts
 * into (its record of the last authorization plus a period), else unknown.
 * Never invents a date: Meld's ACCESS_EXPIRING_SOON carries none, and a
 * connection without a provider date or a policy answers `unknown`.
 *
 * `daysLeft` counts calendar days in `timeZone`, so it does not depend on the
 * runtime's zone or locale, and a day with a DST change counts as one day.
 * Pure; never throws.
 *
 * @example
 * getRenewal(connection, { policy: { lastAuthorizedAt: '2026-01-10T09:00:00Z', periodDays: 90 }, timeZone: 'Europe/London' })
 * // { renewBy: 2026-04-10T09:00:00.000Z, source: 'policy', daysLeft: ... }
 */
export function getRenewal(connection: Connection | null | undefined, options: GetRenewalOptions = {}): Renewal {
  if (!isObject(connection)) return { source: 'unknown' };
  let source: RenewalSource = 'provider';
  let time = providerExpiry(connection);
  if (time === undefined) {
    source = 'policy';
    time = policyExpiry(options.policy);
  }
  if (time === undefined) return { source: 'unknown' };
  const renewBy = new Date(time);
  const now = options.now === undefined ? Date.now() : options.now instanceof Date ? options.now.getTime() : options.now;
  const zone = options.timeZone ?? 'UTC';
  const today = dayNumber(now, zone);
  const day = dayNumber(time, zone);
  return today === undefined || day === undefined ? { renewBy, source } : { renewBy, source, daysLeft: day - today };
}
