const formatters = new Map<string, Intl.DateTimeFormat | null>();

/**
 * A calendar day for people ("12 March", "March 12", "12 de marzo"), in the
 * catalog's locale and the given IANA zone, through Intl; the year is added
 * when it is not the current one there. `undefined` for an invalid date,
 * locale or zone. Internal.
 */
export function formatDay(date: Date, locale: string, timeZone: string | undefined, now: number): string | undefined {
  if (Number.isNaN(date.getTime())) return undefined;
  const withYear = yearOf(date.getTime(), timeZone) !== yearOf(now, timeZone);
  const key = `${locale}|${timeZone ?? ''}|${withYear ? 'y' : ''}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}), timeZone });
    } catch {
      formatter = null;
    }
    if (formatters.size < 32) formatters.set(key, formatter);
  }
  return formatter ? formatter.format(date) : undefined;
}

function yearOf(at: number, timeZone: string | undefined): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone }).format(at);
  } catch {
    return undefined;
  }
}
