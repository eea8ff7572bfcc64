import { warnOnce } from './dev.js';
import { randomHex } from './randomHex.js';

const POPUP_FEATURES = 'popup=yes,width=420,height=720';
/** How long a closed popup's channel keeps telling a relay that is still loading to close. */
const CLOSER_MS = 30_000;

/** The relay's BroadcastChannel is this prefix plus the launch's secret. Internal: the relay page uses it too. */
export const RELAY_CHANNEL_PREFIX = 'meld-reconnect-kit:widget-relay:';
/** Tags every message on a relay channel (protocol version 1). Internal. */
export const RELAY_PROTOCOL = 'mrk-relay/1';

/** Options of {@link preparePopup}. */
export interface PreparePopupOptions {
  /**
   * The widget relay page, on this page's own origin: `GET {basePath}/widget-relay` of
   * `createReconnectHandler`, or your own route answering `widgetRelayResponse()` from
   * `meld-reconnect-kit/server`. A relative URL resolves against the page.
   */
  relayUrl: string | undefined;
  /** `window.open` features. Defaults to `'popup=yes,width=420,height=720'`. */
  features?: string | undefined;
}

/**
 * A popup window opened inside the customer's click, loading the kit's widget relay page.
 * Give it to `openMeldWidget({ mode: 'popup', popup })`, which then owns it.
 */
export interface PreparedPopup {
  /** The relay page the window was sent to, without its secret. */
  readonly relayUrl: string;
  /**
   * Closes the window: through the handle while it still reaches it, and over the
   * relay's channel once the relay page has loaded (the page isolates itself from
   * this one). Safe to call any number of times.
   */
  close(): void;
  /** The launch's channel secret. Internal: `openMeldWidget` reads it; never log or send it. */
  readonly secret: string;
  /** `window.open`'s handle. Internal: once the relay page has loaded it no longer reaches the window. */
  readonly window: Window;
}


/**
 * Opens the popup synchronously, inside the customer's click, so that popup
 * blockers let it through. Returns `null` when the browser blocked it, or when
 * popup mode cannot work here (no `relayUrl`, a relay on another origin, no
 * `BroadcastChannel`; a development warning says which): the widget then opens
 * as a dialog.
 *
 * Why a relay: a window that keeps `window.opener` lets any page it reaches (a
 * bank's page, a page the widget was sent to) navigate or message this tab. So
 * the window cuts that link before it loads anything (`opener = null`), then
 * loads the relay page, on this origin, whose `Cross-Origin-Opener-Policy`
 * moves it out of this tab's browsing context group. The relay shows Meld's
 * widget in an iframe (the dialog's sandbox), checks the widget's messages as
 * the dialog does, and forwards them over a `BroadcastChannel` named by a
 * 256-bit secret that travels only in the relay URL's fragment (never sent to
 * a server; the relay removes it at once).
 *
 * Its own module, kept small, so that a click handler can call it before the launcher has loaded.
 */
export function preparePopup(options: PreparePopupOptions): PreparedPopup | null {
  if (typeof window === 'undefined') return null;
  const { relayUrl } = options;
  let url: URL | undefined;
  try {
    url = relayUrl ? new URL(relayUrl, location.href) : undefined;
  } catch {
    // reported below
  }
  if (url?.origin !== location.origin || typeof BroadcastChannel !== 'function') {
    try {
      // Written out here so that host bundlers drop the message from production builds.
      if (process.env.NODE_ENV !== 'production') {
        warnOnce(() => ['popup', `popup mode needs widget.relayUrl on this origin (default {baseUrl}/widget-relay), not ${relayUrl}: using the dialog.`]);
      }
    } catch {
      // No `process` (a page without a bundler): silent, as warnOnce is.
    }
    return null;
  }
  url.hash = '';
  const secret = randomHex(32);
  const win = window.open('about:blank', '_blank', options.features ?? POPUP_FEATURES);
  if (!win) return null;
  // Cut the way back before anything loads; the relay's COOP header then isolates the window entirely.
  win.opener = null;
  win.location.replace(`${url.href}#${secret}`);
  let closed = false;
  return {
    relayUrl: url.href,
    secret,
    window: win,
    close() {
      if (closed) return;
      closed = true;
      try {
        win.close();
        const channel = new BroadcastChannel(RELAY_CHANNEL_PREFIX + secret);
        const bye = () => channel.postMessage({ v: RELAY_PROTOCOL, from: 'kit', nonce: secret, type: 'close' });
        bye();
        // A relay still loading says it is alive once it can hear: answer each time until it is gone.
        channel.onmessage = bye;
        setTimeout(() => channel.close(), CLOSER_MS);
      } catch {
        // Closing never throws.
      }
    },
  };
}
