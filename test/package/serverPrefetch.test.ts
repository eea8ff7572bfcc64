// A server prefetch, as a Next.js Server Component does it, through the packed package:
// Node run with the `react-server` condition (React's server build, where a 'use client'
// module cannot be called) prefetches with the query options of `meld-reconnect-kit/core`
// and the host client, from a host backend on loopback, and dehydrates; a server render
// of the React entry hydrates that state with TanStack's HydrationBoundary inside
// ReconnectKitProvider (whose own QueryClient it fills); Chromium hydrates the same tree.
// Needs `npm run build` first.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs';
import { moduleGraph, packPackage, viteProductionBuild, type PackedPackage } from './packedPackage.js';

const run = promisify(execFile);

const at = '2026-11-02T10:00:00Z';
const CONNECTIONS = [
  { id: 'broken', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'First Test Bank', successfullyAggregatedAt: at },
  { id: 'healthy', status: 'ACTIVE', statusReason: null, institutionName: 'Second Test Bank', successfullyAggregatedAt: at },
];

// The Server Component's part: no React at all, only core and TanStack's query-core.
const PREFETCH = `
import { QueryClient, dehydrate } from '@tanstack/query-core';
import { connectionQueryOptions, connectionsQueryOptions, createHostClient } from 'meld-reconnect-kit/core';

// The caller's cookie, forwarded, as a Server Component does with headers().
const hostApi = createHostClient({ baseUrl: process.env.HOST_URL + '/api/meld', headers: { cookie: 'session=alex' } });
const queryClient = new QueryClient();
await queryClient.prefetchQuery(connectionsQueryOptions({ hostApi }));
console.log(JSON.stringify({
  react: import.meta.resolve('react'),
  detail: queryClient.getQueryData(connectionQueryOptions('broken').queryKey)?.status,
  state: dehydrate(queryClient),
}));
`;

// The page, as a host's client component tree: the provider (its own QueryClient), then the boundary.
const APP = `
import { createElement as h } from 'react';
import { HydrationBoundary } from '@tanstack/react-query';
import { ConnectionHealthList, ReconnectBanner, ReconnectKitProvider } from 'meld-reconnect-kit';

export function App({ state }) {
  return h(ReconnectKitProvider, { baseUrl: '/api/meld', broadcastChannel: false, dismissStorage: null },
    h(HydrationBoundary, { state },
      h('article', { 'data-card': 'broken' }, h(ReconnectBanner, { connectionId: 'broken' })),
      h('article', { 'data-card': 'healthy' }, h(ReconnectBanner, { connectionId: 'healthy' })),
      h(ConnectionHealthList, null),
    ),
  );
}
`;

const RENDER = `
import { createElement as h } from 'react';
import { prerenderToNodeStream } from 'react-dom/static';
import { App } from './app.mjs';

const requests = [];
globalThis.fetch = async (input) => { requests.push(String(input)); throw new Error('no network in the render'); };
const errors = [];
const state = JSON.parse(process.env.STATE);
const { prelude } = await prerenderToNodeStream(h(App, { state }), { onError: (e) => { errors.push(String(e)); } });
let html = '';
for await (const chunk of prelude) html += chunk;
console.log(JSON.stringify({ html, requests, errors }));
`;

const CLIENT = `
import { createElement as h } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { App } from './app.mjs';

window.__errors = [];
const originalError = console.error;
console.error = (...args) => { window.__errors.push(args.map(String).join(' ')); originalError(...args); };
hydrateRoot(document.getElementById('root'), h(App, { state: window.__STATE }), {
  onRecoverableError: (error) => window.__errors.push('recoverable: ' + String(error && error.message)),
});
window.__hydrateCalled = true;
`;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let packed: PackedPackage;
let app: string;
let host: Server;
let hostUrl: string;
const hostRequests: string[] = [];
let page = '';
let browser: Browser | undefined;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '');
    }),
  );
}

beforeAll(async () => {
  packed = packPackage('mrk-prefetch-');
  app = join(packed.scratch, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  packed.unpack(app);
  packed.link(app, ['react', 'react-dom', '@tanstack']);
  writeFileSync(join(app, 'prefetch.mjs'), PREFETCH);
  writeFileSync(join(app, 'app.mjs'), APP);
  writeFileSync(join(app, 'render.mjs'), RENDER);
  // The host backend (the browser's side of it) and, later, the page.
  host = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/meld/')) {
      hostRequests.push(`${req.method} ${path}`);
      if (req.headers.cookie !== 'session=alex') {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'UNAUTHORIZED', message: 'Sign in.' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(path === '/api/meld/connections' ? { connections: CONNECTIONS } : {}));
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    let body: Buffer;
    const file = normalize(join(app, 'dist', path));
    try {
      body = readFileSync(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  hostUrl = await listen(host);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  packed?.remove();
});

interface Prefetched {
  react: string;
  detail: string;
  state: { queries: Array<{ queryKey: unknown[]; state: { data: unknown; status: string } }> };
}

let prefetched: Prefetched;
let rendered: { html: string; requests: string[]; errors: string[] };

describe('server prefetch -> dehydrate -> hydrate inside ReconnectKitProvider (packed package)', () => {
  it('given a React Server Component runtime, should prefetch with core\'s query options and the host client', async () => {
    const { stdout } = await run('node', ['--conditions=react-server', 'prefetch.mjs'], { cwd: app, env: { ...process.env, HOST_URL: hostUrl } });
    prefetched = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Prefetched;
    // React's server build is what this runtime resolves: nothing in core may need React.
    expect(prefetched.react).toMatch(/react\.react-server\.js$/);
    expect(hostRequests).toEqual(['GET /api/meld/connections']);
    expect(prefetched.detail).toBe('RECONNECT_REQUIRED');
    const keys = prefetched.state.queries.map((q) => q.queryKey);
    expect(keys).toContainEqual(['meld-reconnect-kit', 'connections', 'list']);
    expect(keys).toContainEqual(['meld-reconnect-kit', 'connections', 'detail', 'broken']);
    expect(prefetched.state.queries.every((q) => q.state.status === 'success')).toBe(true);
  });

  it('should hold no React and no client directive in the core entry\'s module graph', () => {
    const core = join(app, 'node_modules', 'meld-reconnect-kit', 'dist', 'core', 'index.js');
    for (const file of moduleGraph(core)) {
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/from\s*["'](?:react|react-dom|@tanstack)|import\(\s*["'](?:react|@tanstack)/);
      expect(code, file).not.toMatch(/^["']use client["']/);
    }
  });

  it('given the dehydrated state, should server-render the prompts from it, with no request and no error', async () => {
    const { stdout } = await run('node', ['render.mjs'], { cwd: app, env: { ...process.env, NODE_ENV: 'production', STATE: JSON.stringify(prefetched.state) } });
    rendered = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as typeof rendered;
    expect(rendered.errors).toEqual([]);
    expect(rendered.requests).toEqual([]);
    const broken = /<article data-card="broken">.*?<\/article>/s.exec(rendered.html)?.[0] ?? '';
    expect(broken).toContain('data-state="reconnect"');
    expect(broken).toMatch(/<button[^>]*>Reconnect<\/button>/);
    expect(/<article data-card="healthy">.*?<\/article>/s.exec(rendered.html)?.[0]).not.toContain('data-slot="banner"');
    expect(rendered.html).toContain('First Test Bank');
  });

  it('given the same state in the browser, should hydrate with no hydration error and no refetch', async () => {
    writeFileSync(join(app, 'index.html'), '<!doctype html><html lang="en"><title>prefetch</title><div id="root"></div><script type="module" src="./client.js"></script></html>');
    writeFileSync(join(app, 'client.js'), CLIENT);
    await viteProductionBuild(app);
    const stateScript = `<script>window.__STATE = ${JSON.stringify(prefetched.state).replaceAll('<', '\\u003c')};</script>`;
    page = readFileSync(join(app, 'dist', 'index.html'), 'utf8')
      .replace('<div id="root"></div>', `<div id="root">${rendered.html}</div>`)
      .replace('<title>', `${stateScript}<title>`);
    hostRequests.length = 0;

    const executablePath = process.env.CHROMIUM_PATH ?? findChromium();
    browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
    const tab = await browser.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    await tab.goto(`${hostUrl}/`, { waitUntil: 'networkidle' });
    await tab.waitForFunction(() => (window as unknown as { __hydrateCalled?: boolean }).__hydrateCalled === true);
    await expect(tab.locator('[data-card="broken"] [data-slot="banner"]').getAttribute('data-state')).resolves.toBe('reconnect');
    await expect(tab.locator('[data-slot="health-list"]').textContent()).resolves.toContain('First Test Bank');
    // Fresh from the server (the options' stale time): the browser does not ask again.
    expect(hostRequests).toEqual([]);
    expect(await tab.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
