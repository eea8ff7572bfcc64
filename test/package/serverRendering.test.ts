// Server rendering, as Next.js (App Router) or Remix does it with client
// components: the packed package imported by plain Node (no DOM, no storage),
// rendered to HTML by React's streaming renderer, which waits for the prompts'
// on-demand view; then the same tree hydrated in Chromium from a Vite bundle.
// Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs';
import { packPackage, viteProductionBuild, type PackedPackage } from './packedPackage.js';

// One module for both sides, as a host's page component would be: the same
// connections (seeded into the QueryClient, as a host prefetches them on the
// server) and the same tree. Plain createElement, so Node runs it untranspiled.
const APP = `
import { createElement as h, Fragment } from 'react';
import {
  ConnectionHealthList, ConnectionStatusBadge, LinkNewAccountsPrompt, ReconnectBanner, ReconnectKitProvider, RepairLinkLanding,
  connectionQueryOptions, connectionsQueryOptions, useConnectionEvents,
} from 'meld-reconnect-kit';

// The live stream's state is rendered: the server (no EventSource) and the first client render must agree.
function Live() {
  const { state } = useConnectionEvents({ url: '/live' });
  return h('p', { id: 'stream' }, 'stream ' + state);
}

const at = '2026-11-02T10:00:00Z';
export const CONNECTIONS = [
  { id: 'broken', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'First Test Bank', successfullyAggregatedAt: at },
  { id: 'healthy', status: 'ACTIVE', statusReason: null, institutionName: 'Second Test Bank', successfullyAggregatedAt: at },
  { id: 'new', status: 'ACTIVE', statusReason: 'NEW_ACCOUNTS_AVAILABLE', institutionName: 'Third Test Bank', successfullyAggregatedAt: at },
  { id: 'action', status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', institutionName: 'Fourth Test Bank',
    institutionMessage: 'Approve <b>Meld</b> in your banking app.', successfullyAggregatedAt: at },
];

export function seed(queryClient) {
  queryClient.setQueryData(connectionsQueryOptions().queryKey, CONNECTIONS);
  for (const c of CONNECTIONS) queryClient.setQueryData(connectionQueryOptions(c.id).queryKey, c);
}

export function App({ queryClient }) {
  return h(ReconnectKitProvider, { baseUrl: '/api/meld', queryClient, broadcastChannel: false, onStartNewConnection: () => {} },
    h('section', { id: 'cards' },
      ...CONNECTIONS.map((c) => h('article', { key: c.id, 'data-card': c.id },
        h(ConnectionStatusBadge, { connectionId: c.id }),
        h(ReconnectBanner, { connectionId: c.id }),
        h(LinkNewAccountsPrompt, { connectionId: c.id }),
      )),
      // The object form, with no cache entry: what a host that already holds the connection does.
      h('article', { 'data-card': 'object' }, h(ReconnectBanner, { connection: { ...CONNECTIONS[0], id: 'object' } })),
    ),
    h(ConnectionHealthList, null),
    h(Live, null),
    // A repair link's landing: the server cannot see the address, so nothing until hydrated.
    h(RepairLinkLanding, null),
  );
}
`;

const SERVER = `
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { prerenderToNodeStream } from 'react-dom/static';
import { QueryClient } from '@tanstack/react-query';
import { App, seed } from './app.mjs';

const requests = [];
globalThis.fetch = async (input) => { requests.push(String(input)); throw new Error('no network on the server'); };
const errors = [];
const originalError = console.error;
console.error = (...args) => { errors.push(args.map(String).join(' ')); originalError(...args); };

function client() {
  const queryClient = new QueryClient();
  seed(queryClient);
  return queryClient;
}
const { prelude } = await prerenderToNodeStream(h(App, { queryClient: client() }), { onError: (e) => { errors.push(String(e)); } });
let html = '';
for await (const chunk of prelude) html += chunk;
// The synchronous renderer cannot wait for the on-demand view; it must still not throw.
const legacy = renderToString(h(App, { queryClient: client() }));
console.log(JSON.stringify({ html, legacyLength: legacy.length, requests, errors, window: typeof window }));
`;

const CLIENT = `
import { createElement as h } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { QueryClient } from '@tanstack/react-query';
import 'meld-reconnect-kit/styles.css';
import { App, seed } from './app.mjs';

window.__errors = [];
const originalError = console.error;
console.error = (...args) => { window.__errors.push(args.map(String).join(' ')); originalError(...args); };
const queryClient = new QueryClient();
seed(queryClient);
hydrateRoot(document.getElementById('root'), h(App, { queryClient }), {
  onRecoverableError: (error) => window.__errors.push('recoverable: ' + String(error && error.message)),
});
window.__hydrateCalled = true;
`;

interface ServerResult {
  html: string;
  legacyLength: number;
  requests: string[];
  errors: string[];
  window: string;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let packed: PackedPackage;
let app: string;
let rendered: ServerResult;
let server: Server | undefined;
let browser: Browser | undefined;

beforeAll(() => {
  packed = packPackage('mrk-ssr-');
  app = join(packed.scratch, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  packed.unpack(app);
  packed.link(app, ['react', 'react-dom', '@tanstack']);
  writeFileSync(join(app, 'app.mjs'), APP);
  writeFileSync(join(app, 'server.mjs'), SERVER);
  const out = execFileSync('node', ['server.mjs'], {
    cwd: app,
    encoding: 'utf8',
    // A server set to another language and zone than UTC and English.
    env: { ...process.env, NODE_ENV: 'production', TZ: 'America/Los_Angeles', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
  });
  rendered = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ServerResult;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  packed?.remove();
});

/** The server HTML of one card (`data-card`), or the whole list. */
function part(html: string, selector: RegExp): string {
  return selector.exec(html)?.[0] ?? '';
}

describe('server rendering (Node, React streaming renderer)', () => {
  it('should render in Node without a DOM, without errors and without calling the host', () => {
    expect(rendered.window).toBe('undefined');
    expect(rendered.errors).toEqual([]);
    expect(rendered.requests).toEqual([]);
    expect(rendered.legacyLength).toBeGreaterThan(0);
    // What the first client render says too (0.1 wrote 'unsupported' here: React error #418 on hydration).
    expect(rendered.html).toContain('<p id="stream">stream connecting</p>');
    expect(rendered.html).not.toContain('repair-landing');
  });

  it('given a connection that needs the customer, should put the prompt in the HTML, with its button', () => {
    const card = part(rendered.html, /<article data-card="broken">.*?<\/article>/s);
    expect(card).toContain('data-slot="banner"');
    expect(card).toContain('data-state="reconnect"');
    expect(card).toMatch(/<button[^>]*>Reconnect<\/button>/);
    // In English and UTC on the server, whatever the server's own language and zone.
    expect(card).toContain('Last updated Nov 2, 2026.');
    expect(part(rendered.html, /<article data-card="object">.*?<\/article>/s)).toContain('data-state="reconnect"');
  });

  it('given a healthy connection, should put no prompt in the HTML', () => {
    const card = part(rendered.html, /<article data-card="healthy">.*?<\/article>/s);
    expect(card).toContain('data-slot="status-badge"');
    expect(card).not.toContain('data-slot="banner"');
    expect(card).not.toContain('data-slot="new-accounts"');
  });

  it('given new accounts, and the bank\'s message, should render them, the message as text', () => {
    expect(part(rendered.html, /<article data-card="new">.*?<\/article>/s)).toContain('data-slot="new-accounts"');
    const action = part(rendered.html, /<article data-card="action">.*?<\/article>/s);
    expect(action).toContain('Approve &lt;b&gt;Meld&lt;/b&gt; in your banking app.');
    expect(action).not.toContain('<b>Meld</b>');
  });

  it('should render the health list with the connections that need attention', () => {
    const list = part(rendered.html, /<section[^>]*data-slot="health-list".*$/s);
    expect(list).toContain('First Test Bank');
    expect(list).not.toContain('Second Test Bank');
  });

  it('given the HTML hydrated in Chromium, should match it with no hydration error, then work', async () => {
    writeFileSync(join(app, 'index.html'), '<!doctype html><html lang="en"><title>ssr</title><div id="root"></div><script type="module" src="./client.js"></script></html>');
    writeFileSync(join(app, 'client.js'), CLIENT);
    await viteProductionBuild(app);
    const page = readFileSync(join(app, 'dist', 'index.html'), 'utf8').replace('<div id="root"></div>', `<div id="root">${rendered.html}</div>`);
    const repairs: string[] = [];
    const redeemed: string[] = [];
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/api/meld/repair-links/redeem') {
        redeemed.push(`${req.method} ${path}`);
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'REPAIR_LINK_INVALID', message: 'This link cannot be used.' }));
        return;
      }
      if (path.startsWith('/api/meld/')) {
        repairs.push(`${req.method} ${path}`);
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: 'Unknown connection' }));
        return;
      }
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(page);
        return;
      }
      if (path === '/live') {
        res.writeHead(204).end(); // no stream here: the browser stops, the kit retries later
        return;
      }
      const file = normalize(join(app, 'dist', path));
      let body: Buffer;
      try {
        body = readFileSync(file);
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const origin = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';

    const executablePath = process.env.CHROMIUM_PATH ?? findChromium();
    browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
    // A customer far from the server: another time zone (UTC+14, already the next day) and language.
    const tab = await browser.newPage({ timezoneId: 'Pacific/Kiritimati', locale: 'de-DE' });
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    // Before any script runs, the server's prompt is already on screen.
    await tab.route('**/*.js', (route) => route.abort());
    await tab.goto(`${origin}/`);
    await expect(tab.locator('[data-card="broken"] [data-slot="banner"]').getAttribute('data-state')).resolves.toBe('reconnect');
    await tab.unroute('**/*.js');

    // The customer snoozed the new-accounts prompt earlier (kept in localStorage, which the server cannot see).
    await tab.addInitScript(() => localStorage.setItem('meld-reconnect-kit:dismissed:new:new-accounts', String(Date.now() + 86_400_000)));
    // Opened from a repair link (one the host refuses here): the landing appears only once hydrated.
    await tab.goto(`${origin}/?view=cards&meld_repair=tok_ssr_1#top`, { waitUntil: 'networkidle' });
    await tab.waitForFunction(() => (window as unknown as { __hydrateCalled?: boolean }).__hydrateCalled === true);
    await expect.poll(() => tab.locator('[data-slot="repair-landing"]').getAttribute('data-state'), { timeout: 10_000 }).toBe('invalid');
    expect(new URL(tab.url()).search + new URL(tab.url()).hash).toBe('?view=cards#top');
    expect(redeemed).toEqual(['POST /api/meld/repair-links/redeem']);
    // Hydrated, React re-renders with what only the browser knows: the snooze, and the customer's own date.
    await expect.poll(() => tab.locator('[data-card="new"] [data-slot="new-accounts"]').count()).toBe(0);
    await expect
      .poll(() => tab.locator('[data-card="broken"] [data-slot="banner-updated"]').textContent())
      .toBe('Last updated Nov 3, 2026.');
    const button = tab.locator('[data-card="broken"] [data-slot="banner"] button', { hasText: 'Reconnect' });
    await button.click();
    // Hydrated: the click reaches the kit, which asks the host (404 here) and says so.
    await expect
      .poll(() => tab.locator('[data-card="broken"] [data-slot="banner"]').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('failed');
    // One repair request; a 404 then makes the kit re-read the connection, which is all it sends.
    expect(repairs[0]).toBe('POST /api/meld/connections/broken/repair');
    expect(repairs.slice(1).every((r) => r === 'GET /api/meld/connections/broken')).toBe(true);
    const errors = await tab.evaluate(() => (window as unknown as { __errors: string[] }).__errors);
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
