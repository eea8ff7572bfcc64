// Starts the whole demo in this process: the Meld simulator, the demo backend
// (demo/server.ts: meld-reconnect-kit/server pointed at the simulator) and the
// demo app (Vite + React), all on 127.0.0.1. `npm start`, the end-to-end tests
// and the benchmarks use this one function, so they run the same stack.
//
// One HTTP server answers everything the browser asks: the backend's routes
// (/api/meld/*, /webhooks/meld, /api/demo/*) first, then the app. The app runs
// from source: Vite aliases `meld-reconnect-kit` to src/index.ts and
// `meld-reconnect-kit/styles.css` to the theme's CSS files, so the demo's code
// imports the kit exactly as a host would, without a build. The backend is
// TypeScript too; Vite loads it (ssrLoadModule) with the same aliases.
//
// `app: 'dev'` (default) serves the app through Vite's dev middleware (React's
// development build); `app: 'build'` bundles it once in production mode and
// serves the files, for the benchmarks.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build, createServer as createViteServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoDir = join(root, 'demo');
const PREFERRED_PORT = 5173;
const HOST = '127.0.0.1';

/** The package's entry names, resolved to the source, as the demo's only way into the kit. */
export const kitAliases = [
  { find: /^meld-reconnect-kit$/, replacement: join(root, 'src/index.ts') },
  { find: /^meld-reconnect-kit\/core$/, replacement: join(root, 'src/core/index.ts') },
  { find: /^meld-reconnect-kit\/server$/, replacement: join(root, 'src/server/index.ts') },
  { find: /^meld-reconnect-kit\/testing$/, replacement: join(root, 'src/testing/index.ts') },
  // dist/styles.css is built from these two files; demo/kit-styles.css imports them in the same order.
  { find: /^meld-reconnect-kit\/styles\.css$/, replacement: join(demoDir, 'kit-styles.css') },
];

function viteConfig({ cacheDir, logLevel }) {
  return {
    configFile: false,
    envDir: false,
    root: demoDir,
    cacheDir: join(root, 'node_modules/.vite', cacheDir),
    logLevel,
    clearScreen: false,
    plugins: [react()],
    resolve: { alias: kitAliases, dedupe: ['react', 'react-dom', '@tanstack/react-query'] },
    build: { target: 'es2022' },
  };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** Serves a built app: its files, and index.html for any other GET (one-page app). */
function staticFiles(dir) {
  const index = join(dir, 'index.html');
  return async (request, response) => {
    let file;
    try {
      file = join(dir, normalize(decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')));
    } catch {
      return void response.writeHead(400).end();
    }
    if (!file.startsWith(dir + sep)) file = index;
    const body = await readFile(file).catch(() => undefined);
    if (body) return void response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    const page = await readFile(index).catch(() => undefined);
    if (page) response.writeHead(200, { 'content-type': TYPES['.html'] }).end(page);
    else response.writeHead(500).end();
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError).once('listening', onListening).listen(port, HOST);
  });
}

async function answers(url, check = (response) => response.ok) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    return check(response);
  } catch {
    return false;
  }
}

/**
 * Starts the simulator, the demo backend and the app.
 *
 * @param {import('./launch.d.mts').StartDemoOptions} [options]
 * @returns {Promise<import('./launch.d.mts').Demo>}
 */
export async function startDemo(options = {}) {
  const { quiet = true, app = 'dev', watch = false, verbose = false } = options;
  const log = (line) => process.stdout.write(`${line}\n`);
  const cleanups = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`demo: error while closing: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  };

  try {
    // Listen first: the webhook URL the simulator signs with includes our port.
    let handler = (_request, response) => void response.writeHead(503, { 'retry-after': '1' }).end('starting');
    const server = createServer((request, response) => handler(request, response));
    server.keepAliveTimeout = 5_000;
    let port;
    if (options.port === undefined) {
      port = await listen(server, PREFERRED_PORT).catch((error) => {
        if (error.code === 'EADDRINUSE') return listen(server, 0);
        throw error;
      });
    } else {
      port = await listen(server, options.port);
    }
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const origin = `http://${HOST}:${port}`;

    const vite = await createViteServer({
      ...viteConfig({ cacheDir: options.cacheDir ?? 'demo', logLevel: quiet ? 'error' : 'warn' }),
      appType: 'spa',
      server: {
        middlewareMode: true,
        // Vite's WebSocket rides on our server (else middleware mode opens port 24678, which two
        // demos would fight over). Hot reload only while watching: tests want a page that never reloads.
        ws: { server },
        hmr: app === 'dev' && watch,
        watch: watch ? {} : null,
        fs: { allow: [root] },
        warmup: { clientFiles: app === 'dev' ? ['./src/main.tsx'] : [] },
      },
      optimizeDeps:
        app === 'dev'
          ? {
              entries: ['index.html'],
              // Known up front, so Vite never discovers one late and reloads the page.
              include: ['react', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'react-dom', 'react-dom/client', '@tanstack/react-query'],
            }
          : { noDiscovery: true, include: [] },
    });
    cleanups.push(() => vite.close());

    const { createDemoBackend } = await vite.ssrLoadModule('/server.ts');
    const { DEMO_IDS } = await vite.ssrLoadModule('/connections.ts');
    const backend = await createDemoBackend({
      origin,
      simulatorPort: options.simulatorPort,
      widgetPort: options.widgetPort,
      repairRateLimit: options.repairRateLimit,
      log: verbose ? log : undefined,
    });
    cleanups.push(() => backend.close());

    let serveApp;
    if (app === 'build') {
      const outDir = await mkdtemp(join(tmpdir(), 'mrk-demo-'));
      cleanups.push(() => rm(outDir, { recursive: true, force: true }));
      // Vite's dev server above set NODE_ENV=development for this process; the bundle must
      // get React's production build all the same.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        await build({
          ...viteConfig({ cacheDir: options.cacheDir ?? 'demo-build', logLevel: 'error' }),
          mode: 'production',
          build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
        });
      } finally {
        if (nodeEnv === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = nodeEnv;
      }
      const assets = join(outDir, 'assets');
      const code = await Promise.all((await readdir(assets)).filter((f) => f.endsWith('.js')).map((f) => readFile(join(assets, f), 'utf8')));
      // React's development build has this function; the production build does not.
      if (code.some((text) => text.includes('validateDOMNesting'))) throw new Error('the demo bundled React\'s development build');
      serveApp = staticFiles(outDir);
    } else {
      serveApp = (request, response) =>
        vite.middlewares(request, response, () => {
          response.writeHead(404).end();
        });
    }

    handler = (request, response) => {
      if (!backend.handle(request, response)) serveApp(request, response);
    };

    const url = `${origin}/`;
    const checks = await Promise.all([
      answers(url, (r) => r.ok && (r.headers.get('content-type') ?? '').includes('text/html')),
      answers(`${origin}/api/meld/connections`),
      answers(backend.simulator.controlUrl),
    ]);
    if (checks.includes(false)) throw new Error(`the demo did not answer (app, backend, simulator: ${checks.join(', ')})`);
    if (app === 'dev') await answers(`${origin}/src/main.tsx`); // warms the module graph for the first visitor

    return {
      url,
      controlUrl: backend.simulator.controlUrl,
      simulator: backend.simulator,
      backend,
      ids: DEMO_IDS,
      requests: () => backend.requests(),
      reset: () => backend.reset(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
