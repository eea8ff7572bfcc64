import { formatMessage } from '../i18n/messages.js';

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** One formatter per locale and zone: making one costs far more than formatting with it. */
function formatterFor(locale: string, timeZone: string | undefined): Intl.DateTimeFormat | null {
  const key = `${locale}|${timeZone ?? ''}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
    } catch {
      formatter = null; // an invalid locale tag
    }
    if (formatters.size < 32) formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * "Last updated {date}", in the catalog's locale (English unless the provider
 * says), never the runtime's, so a server and a browser set to other languages
 * write the same; in UTC until hydrated (the server cannot know the customer's
 * zone), then in the customer's own time zone. Internal.
 */
export function lastUpdatedText(at: string | null | undefined, locale: string | undefined, timeZone: string | undefined, template: string): string | undefined {
  if (!at) return undefined;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return undefined;
  const formatter = formatterFor(locale ?? 'en', timeZone);
  return formatter ? formatMessage(template, { date: formatter.format(date) }) : undefined;
}
