import { createHash } from 'node:crypto';
import { RELAY_CHANNEL_PREFIX, RELAY_PROTOCOL } from '../core/preparePopup.js';
import { WIDGET_IFRAME_ALLOW, WIDGET_IFRAME_SANDBOX } from '../core/widgetFrame.js';

/** Options of {@link widgetRelayPage} (and `createReconnectHandler`'s `widgetRelay`). */
export interface WidgetRelayPageOptions {
  /**
   * Extra Content-Security-Policy `frame-src` sources for the widget's frame,
   * besides `https:`: a local simulator's plain-http origin, e.g.
   * `'http://127.0.0.1:4100'`. The kit checks the widget URL itself
   * (`validateWidgetUrl`) before the relay ever sees it.
   */
  frameSources?: readonly string[] | undefined;
}

/** The widget relay page as a host serves it: the HTML and the headers it needs (a CSP with hashes, COOP). */
export interface WidgetRelayPage {
  html: string;
  headers: Record<string, string>;
}

const STYLE = 'html,body{margin:0;height:100%;background:#fff}iframe{display:block;border:0;width:100%;height:100%}';

// Runs in the popup, on the host's origin. Plain ES2020, no dependencies; its
// hash is in the page's CSP, so it is the only script the page can run.
const SCRIPT = `(() => {
  'use strict';
  const PREFIX = ${JSON.stringify(RELAY_CHANNEL_PREFIX)};
  const V = ${JSON.stringify(RELAY_PROTOCOL)};
  const SANDBOX = ${JSON.stringify(WIDGET_IFRAME_SANDBOX)};
  const ALLOW = ${JSON.stringify(WIDGET_IFRAME_ALLOW)};
  window.opener = null;
  const match = /^#([0-9a-f]{64})$/.exec(location.hash);
  // The secret leaves the address bar and the history entry at once.
  history.replaceState(null, '', location.pathname + location.search);
  if (!match || typeof BroadcastChannel !== 'function') return;
  const secret = match[1];
  const channel = new BroadcastChannel(PREFIX + secret);
  let frame = null;
  let origins = new Set();
  let done = false;
  const send = (type, extra) => {
    if (done) return;
    try {
      channel.postMessage(Object.assign({ v: V, from: 'relay', nonce: secret, type: type }, extra));
    } catch (error) {
      // data that cannot be cloned is dropped
    }
  };
  const alive = () => send('alive', { hidden: document.visibilityState === 'hidden', opened: frame !== null });
  const end = () => {
    send('closed');
    done = true;
    channel.close();
  };
  const open = (m) => {
    let url;
    try {
      url = new URL(m.widgetUrl);
    } catch (error) {
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return;
    const extra = Array.isArray(m.origins) ? m.origins.filter((o) => typeof o === 'string') : [];
    origins = new Set([url.origin].concat(extra));
    const title = typeof m.title === 'string' ? m.title : '';
    document.title = title;
    if (typeof m.lang === 'string' && m.lang) document.documentElement.lang = m.lang;
    frame = document.createElement('iframe');
    frame.title = title;
    frame.setAttribute('sandbox', SANDBOX);
    frame.setAttribute('allow', ALLOW);
    frame.referrerPolicy = 'strict-origin-when-cross-origin';
    frame.src = url.href;
    document.body.append(frame);
    frame.focus();
    alive();
  };
  channel.onmessage = (event) => {
    const m = event.data;
    // Only the kit that opened this window knows the secret.
    if (done || !m || typeof m !== 'object' || m.v !== V || m.from !== 'kit' || m.nonce !== secret) return;
    if (m.type === 'close') {
      end();
      window.close();
    } else if (m.type === 'open' && frame === null) {
      open(m);
    }
  };
  window.addEventListener('message', (event) => {
    // The dialog's checks: the widget's own window, on the widget's origin (or one the host allowed).
    if (frame === null || event.source !== frame.contentWindow || !origins.has(event.origin)) return;
    if (typeof event.data === 'string' && event.data.length > 100000) return;
    send('message', { data: event.data });
  });
  document.addEventListener('visibilitychange', alive);
  window.addEventListener('pagehide', end);
  // Back from the back/forward cache, the launch is over.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) window.close();
  });
  setInterval(alive, 1000);
  alive();
})();`;

let hashes: { script: string; style: string } | undefined;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

// A CSP source expression: a scheme, a host or an origin (with `*` wildcards), nothing that ends the directive.
const SOURCE = /^[a-z][a-z0-9+.-]*:(\/\/[a-z0-9*.[\]:-]+(:(\d+|\*))?)?$|^(\*\.)?[a-z0-9.-]+(:(\d+|\*))?$/i;

function frameSources(options: WidgetRelayPageOptions): string {
  const extra = options.frameSources ?? [];
  if (!Array.isArray(extra)) throw new TypeError('meld-reconnect-kit/server: widgetRelay.frameSources must be an array of origins, e.g. ["http://127.0.0.1:4100"].');
  for (const source of extra) {
    if (typeof source !== 'string' || !SOURCE.test(source)) {
      throw new TypeError(
        `meld-reconnect-kit/server: widgetRelay.frameSources takes origins such as "http://127.0.0.1:4100" or "https://*.example.com"; not ${JSON.stringify(source)}.`,
      );
    }
  }
  return ['https:', ...extra].join(' ');
}

/**
 * The widget relay page that popup mode opens (`preparePopup`), for hosts
 * that serve it themselves; `createReconnectHandler` serves it at
 * `GET {basePath}/widget-relay`. Serve it on the same origin as the pages
 * that use the kit, with these headers:
 *
 * - a Content-Security-Policy that runs only the page's own script and style
 *   (by hash), frames only `https:` (plus `frameSources`), and forbids framing
 *   the page itself
 * - `Cross-Origin-Opener-Policy: same-origin-allow-popups`, which moves the
 *   popup out of the host tab's browsing context group (nothing in it can
 *   reach the tab) while the widget's own popups (banks' OAuth pages) keep
 *   the opener they report back to
 * - `Cache-Control: no-store`, `Referrer-Policy: no-referrer`, `nosniff`
 *
 * The page is static and holds nothing of the customer's: it needs no sign-in
 * (a navigation carries no `Authorization` header). What it does: it takes
 * the launch's secret from its URL fragment (and removes it), waits on a
 * `BroadcastChannel` named by it for the kit to send the checked widget URL,
 * shows the widget in an iframe with the dialog's sandbox, forwards the
 * widget's messages (its own window, its origin only), says it is alive every
 * second, and says `closed` when the window goes.
 */
export function widgetRelayPage(options: WidgetRelayPageOptions = {}): WidgetRelayPage {
  hashes ??= { script: sha256(SCRIPT), style: sha256(STYLE) };
  const csp = [
    "default-src 'none'",
    `script-src ${hashes.script}`,
    `style-src ${hashes.style}`,
    `frame-src ${frameSources(options)}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title></title>
<style>${STYLE}</style>
</head>
<body>
<script>${SCRIPT}</script>
</body>
</html>
`,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': csp,
      // Not 'same-origin': under it, the widget frame's popups (banks' OAuth pages) would lose the
      // opener they answer to. Either value moves the relay out of the host tab's group.
      'cross-origin-opener-policy': 'same-origin-allow-popups',
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    },
  };
}

/** {@link widgetRelayPage} as a fetch-standard `Response` (200). */
export function widgetRelayResponse(options: WidgetRelayPageOptions = {}): Response {
  const page = widgetRelayPage(options);
  return new Response(page.html, { status: 200, headers: page.headers });
}
