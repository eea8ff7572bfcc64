import { WidgetUrlError } from './WidgetUrlError.js';

export { WidgetUrlError, type WidgetUrlErrorKind, type WidgetUrlProblem } from './WidgetUrlError.js';

export interface ValidateWidgetUrlOptions {
  /**
   * Hosts allowed besides `meld.io` and its subdomains: `host.example.com`,
   * `*.example.com` (subdomains only), or `127.0.0.1:4100` (with a port).
   * Plain `http:` is accepted only for hosts listed here, e.g. a local simulator.
   */
  allowedHosts?: readonly string[] | undefined;
}

const MAX_URL_LENGTH = 4096;
// Any whitespace or control character, anywhere: matching them is the point.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/;

function isMeldHost(hostname: string): boolean {
  return hostname === 'meld.io' || hostname.endsWith('.meld.io');
}

function matchesAllowed(url: URL, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const pattern = entry.trim().toLowerCase();
    if (pattern.startsWith('*.')) {
      const domain = pattern.slice(2);
      return domain.length > 0 && url.hostname.endsWith(`.${domain}`) && url.port === '';
    }
    return pattern === url.host || (pattern === url.hostname && url.port === '');
  });
}

/**
 * Checks a widget URL before anything opens it, and returns it parsed.
 *
 * Accepts `https:` URLs on `meld.io` or its subdomains, or on a host in
 * `allowedHosts` (where plain `http:` is also allowed, for a local simulator).
 * Refuses everything else with a {@link WidgetUrlError}: other schemes
 * (`javascript:`, `data:`, `blob:`, `file:`), relative and protocol-relative
 * URLs, lookalike hosts (`meld.io.evil.com`, `xmeld.io`, `meld.io.`),
 * credentials in the URL, and whitespace or control characters anywhere.
 */
export function validateWidgetUrl(url: unknown, options: ValidateWidgetUrlOptions = {}): URL {
  if (typeof url !== 'string') {
    throw new WidgetUrlError('not-a-string', String(typeof url), 'it is not a string.');
  }
  const shown = url.slice(0, 200);
  if (url.length === 0 || url.length > MAX_URL_LENGTH) {
    throw new WidgetUrlError('malformed', shown, `it must be 1 to ${MAX_URL_LENGTH} characters long.`);
  }
  if (UNSAFE_CHARACTERS.test(url)) {
    throw new WidgetUrlError('whitespace', shown, 'it contains whitespace or control characters.');
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    throw new WidgetUrlError('relative', shown, 'it is relative or protocol-relative; an absolute https URL is required.');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WidgetUrlError('malformed', shown, 'it is not a valid URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new WidgetUrlError('protocol', shown, `the scheme ${parsed.protocol} is not allowed; use https.`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new WidgetUrlError('credentials', shown, 'it carries credentials.');
  }
  const allowed = options.allowedHosts ?? [];
  const listed = matchesAllowed(parsed, allowed);
  if (parsed.protocol === 'http:' && !listed) {
    throw new WidgetUrlError('insecure', shown, 'plain http is allowed only for hosts listed in allowedHosts.');
  }
  if (!listed && !(isMeldHost(parsed.hostname) && parsed.port === '')) {
    throw new WidgetUrlError('host', shown, `the host ${parsed.host} is not meld.io, a subdomain of it, or in allowedHosts.`);
  }
  return parsed;
}
