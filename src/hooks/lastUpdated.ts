import { formatMessage } from '../i18n/messages.js';

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** One formatter per locale, zone and style: making one costs far more than formatting with it. */
function formatterFor(locale: string, timeZone: string | undefined, day: boolean): Intl.DateTimeFormat | null {
  const key = `${locale}|${timeZone ?? ''}|${day}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat(locale, day ? { day: 'numeric', month: 'long', timeZone } : { dateStyle: 'medium', timeZone });
    } catch {
      formatter = null; // an invalid locale tag
    }
    if (formatters.size < 32) formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * A date in a prompt's words ("Last updated {date}", "Renew by {date}"), in
 * the catalog's locale (English unless the provider says), never the
 * runtime's, so a server and a browser set to other languages write the same;
 * in UTC until hydrated (the server cannot know the customer's zone), then in
 * the customer's own time zone. `day`: the day and month alone ("12 March").
 * Internal.
 */
export function dateText(at: string | Date | null | undefined, locale: string | undefined, timeZone: string | undefined, template: string, day = false): string | undefined {
  if (!at) return undefined;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return undefined;
  const formatter = formatterFor(locale ?? 'en', timeZone, day);
  return formatter ? formatMessage(template, { date: formatter.format(date) }) : undefined;
}
