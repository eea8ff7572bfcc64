// Pages the Chromium tests need on the test page's own origin (a popup's relay
// must share it, for BroadcastChannel): the kit's widget relay page, exactly as
// `meld-reconnect-kit/server` serves it, and a host page that loads the kit in a
// frame of its own (so that a page navigating "the host tab" cannot take the
// test runner with it). Plus a command that closes relay windows as a customer would.
import type { Plugin } from 'vite';
import type { BrowserCommand } from 'vitest/node';
import { widgetRelayPage } from '../../src/server/widgetRelayPage.js';
import { KIT_HOST_PATH, LANDING_PATH, RELAY_PATH } from './kitPaths.js';

// The fake widget and the attacker's pages are plain http on 127.0.0.1 (any port).
const RELAY_OPTIONS = { frameSources: ['http://127.0.0.1:*'] };

const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host tab</title></head>
<body>
<p>The host's page</p>
<script>
  // Vitest's browser mode wraps the dynamic imports of the modules it serves; outside its runner, run them as they are.
  window.__vitest_browser_runner__ = { wrapDynamicImport: (load) => load() };
</script>
<script type="module">
  import * as kit from '/src/core/index.ts';
  window.kit = kit;
  window.hostMarker = 'still here';
  document.body.dataset.ready = '';
</script>
</body></html>`;

// A host app's page with the repair-link landing (test/browser/landingApp.tsx), for redirect mode:
// the page leaves for the widget and comes back, which the test runner's own frame cannot do.
const LANDING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app</title></head>
<body>
<div id="root"></div>
<script>
  window.__vitest_browser_runner__ = { wrapDynamicImport: (load) => load() };
</script>
<script type="module" src="/test/browser/landingApp.tsx"></script>
</body></html>`;

export function kitPages(): Plugin {
  return {
    name: 'mrk-test-kit-pages',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        if (path === RELAY_PATH) {
          const page = widgetRelayPage(RELAY_OPTIONS);
          res.writeHead(200, page.headers);
          return void res.end(page.html);
        }
        if (path === LANDING_PATH) {
          // Through Vite's HTML transform, so the React plugin's preamble is in it.
          server.transformIndexHtml(req.url ?? path, LANDING_PAGE).then(
            (html) => {
              res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
              res.end(html);
            },
            (error: unknown) => next(error),
          );
          return;
        }
        if (path === KIT_HOST_PATH) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          return void res.end(HOST_PAGE);
        }
        next();
      });
    },
  };
}

/** Closes every relay window the way a customer does (running its pagehide); returns how many. */
export const closeRelayWindows: BrowserCommand<[]> = async (context) => {
  const pages = context.context.pages().filter((page) => new URL(page.url()).pathname === RELAY_PATH);
  await Promise.all(pages.map((page) => page.close({ runBeforeUnload: true })));
  return pages.length;
};

/** How many relay windows are open. */
export const countRelayWindows: BrowserCommand<[]> = async (context) =>
  context.context.pages().filter((page) => !page.isClosed() && new URL(page.url()).pathname === RELAY_PATH).length;

declare module 'vitest/browser' {
  interface BrowserCommands {
    closeRelayWindows: () => Promise<number>;
    countRelayWindows: () => Promise<number>;
  }
}
