import { warnOnce } from '../core/dev.js';
import { WidgetUrlError } from '../core/WidgetUrlError.js';

/** The `host[:port]` of a refused URL (cut to 200 characters by WidgetUrlError), if it has one. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]+)/i.exec(url)?.[1];
  }
}

/**
 * In development, says once per host that a widget URL was refused for its host
 * (or for plain http on a host not listed), and which option lets it through:
 * the customer only sees "could not open the sign-in window safely". Callers
 * guard it with `process.env.NODE_ENV !== 'production'` so that a host's
 * production build drops it with its text. Internal.
 */
export function warnRefusedWidgetUrl(error: unknown): void {
  if (!(error instanceof WidgetUrlError) || (error.kind !== 'host' && error.kind !== 'insecure')) return;
  const host = hostOf(error.url);
  if (!host) return;
  warnOnce(() => [
    `widget-host:${error.kind}:${host}`,
    `refused to open Meld's widget at ${host}: ${error.kind === 'host' ? 'the host is not meld.io (or a subdomain) and not in allowedHosts' : 'plain http is allowed only for hosts in allowedHosts'}, ` +
      'so the customer was told the sign-in window could not be opened safely. If that host serves the widget for you ' +
      `(a proxy, a local Meld simulator), list it: <ReconnectKitProvider widget={{ allowedHosts: ['${host}'] }}> ` +
      '(or the allowedHosts prop of MeldWidgetDialog / option of useMeldWidget). This warning shows in development only.',
  ]);
}
