// Calendar days in an IANA time zone, through Intl alone (no dependency, no
// reliance on the runtime's own zone or locale).

const dayFormatters = new Map<string, Intl.DateTimeFormat | null>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = dayFormatters.get(timeZone);
  if (formatter === undefined) {
    try {
      // A fixed locale and Latin digits: the parts are read as numbers, never shown.
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', numberingSystem: 'latn', calendar: 'gregory' });
    } catch {
      formatter = null; // not an IANA zone this runtime knows
    }
    if (dayFormatters.size < 512) dayFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The calendar day `at` falls on in `timeZone`, as a day number (days since
 * 1970-01-01 of the proleptic Gregorian calendar), or `undefined` for an
 * unknown zone or an invalid time. Internal.
 */
export function dayNumber(at: number, timeZone: string): number | undefined {
  if (!Number.isFinite(at)) return undefined;
  if (timeZone === 'UTC') return Math.floor(at / 86_400_000);
  const formatter = dayFormatter(timeZone);
  if (!formatter) return undefined;
  let year = NaN;
  let month = NaN;
  let day = NaN;
  for (const part of formatter.formatToParts(at)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined;
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

/** Whether `timeZone` is an IANA zone this runtime knows. Internal. */
export function isKnownTimeZone(timeZone: unknown): timeZone is string {
  return typeof timeZone === 'string' && timeZone.length > 0 && timeZone.length <= 64 && dayFormatter(timeZone) !== null;
}
