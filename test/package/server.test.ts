// `meld-reconnect-kit/server` as a host meets it, from the packed package:
// imported from plain Node ESM with no React (and no redis) installed; and
// proof that the browser entries never reach it, both in the published
// module graph and in a Vite browser bundle of the root entry. Needs
// `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let scratch: string;
let tarball: string;

// Strings only server code holds: Meld's API paths and headers, Node built-ins, server-only exports.
const SERVER_MARKERS = ['meld-signature', '/bank-linking/', 'node:crypto', 'node:http', 'createReconnectHandler', 'createWebhookHandler', 'createMeldClient', 'BASIC ', 'text/event-stream'];

function unpack(into: string): string {
  const dir = join(into, 'node_modules', 'meld-reconnect-kit');
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  return dir;
}

/** Every module reachable from `entry` through static and dynamic relative imports. */
function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(resolve(dirname(file), match[1]!));
    }
  };
  visit(entry);
  return seen;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mrk-server-consumer-'));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: repo, encoding: 'utf8' }).trim().split('\n').at(-1);
  tarball = join(scratch, name ?? '');
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('meld-reconnect-kit/server from the packed package', () => {
  it('given plain Node ESM with no React and no redis installed, should import and work', () => {
    const app = join(scratch, 'node-host');
    unpack(app);
    expect(existsSync(join(app, 'node_modules', 'react'))).toBe(false);
    writeFileSync(
      join(app, 'check.mjs'),
      `import * as server from 'meld-reconnect-kit/server';
       const { verifyMeldWebhook, createReconnectHandler, createMeldClient, createRedisEventBus, createMemoryEventBus, toNodeHandler, MeldApiError } = server;
       const body = '{"eventType":"WEBHOOK_TEST","eventId":"GDtv8pQgwzc9HuFFBQFrww","timestamp":"2022-05-26T20:23:45.908400Z","accountId":"W9jpQc1HKvwscqMPcLmzUS","profileId":null,"version":"2021-10-27","payload":{"requestId":"7aWW1GXTjWCCtNubzvVX7V"}}';
       const vector = await verifyMeldWebhook({
         secret: '42m4NMLS34WQ6BbMfo1KFKqMv4hy', url: 'https://example.meld.io/webhooks', rawBody: body,
         headers: { 'meld-signature': 'O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hg=', 'meld-signature-timestamp': '2022-05-26T20:25:17.682818Z' },
         now: new Date('2022-05-26T20:25:17.682Z'),
       });
       let noAuthorize = '';
       try { createReconnectHandler({ meld: createMeldClient({ apiKey: 'k' }), basePath: '/api/meld' }); } catch (e) { noAuthorize = e.message; }
       const handler = createReconnectHandler({ meld: createMeldClient({ apiKey: 'k' }), authorize: () => null, basePath: '/api/meld', bus: createMemoryEventBus() });
       const anonymous = (await handler(new Request('http://localhost/api/meld/connections'))).status;
       let noRedis = '';
       try { await createRedisEventBus({ url: 'redis://127.0.0.1:1' }).publish('a', {}); } catch (e) { noRedis = e.message; }
       console.log(JSON.stringify({
         exports: Object.keys(server).sort(),
         vector, anonymous,
         noAuthorize: /needs \\{ authorize \\}/.test(noAuthorize),
         noRedis: /npm install redis/.test(noRedis),
         nodeHandler: typeof toNodeHandler(handler),
         error: new MeldApiError({ kind: 'http', message: 'm', method: 'GET', path: '/p', status: 404 }).status,
       }));`,
    );
    const out = JSON.parse(execFileSync('node', ['check.mjs'], { cwd: app, encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({
      exports: [
        'MELD_API_VERSION',
        'MELD_BASE_URLS',
        'MeldApiError',
        'createMeldClient',
        'createMemoryEventBus',
        'createMemoryRateLimiter',
        'createReconnectHandler',
        'createRedisEventBus',
        'createWebhookHandler',
        'signMeldWebhook',
        'toNodeHandler',
        'verifyMeldWebhook',
      ],
      vector: true,
      anonymous: 401,
      noAuthorize: true,
      noRedis: true,
      nodeHandler: 'function',
      error: 404,
    });
  });

  it('should ship typings for the server entry', () => {
    const dist = join(unpack(join(scratch, 'types-check')), 'dist', 'server');
    const types = readFileSync(join(dist, 'index.d.ts'), 'utf8');
    expect(types).toContain('createReconnectHandler');
    // A host without `redis` installed still type-checks: no declaration names the package.
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.d.ts'))) {
      expect(readFileSync(join(dist, file), 'utf8')).not.toMatch(/from ['"]redis['"]|import\(['"]redis['"]\)/);
    }
  });

  it('given the browser entries, should never reach the server modules (module graph)', () => {
    const pkg = unpack(join(scratch, 'graph'));
    const serverDir = join(pkg, 'dist', 'server');
    for (const entry of ['dist/index.js', 'dist/core/index.js']) {
      const graph = moduleGraph(join(pkg, entry));
      expect(graph.size).toBeGreaterThan(5);
      const reached = [...graph].filter((file) => !relative(serverDir, file).startsWith('..'));
      expect(reached, `${entry} reaches server code`).toEqual([]);
    }
    // The server entry, for its part, holds no React.
    for (const file of moduleGraph(join(serverDir, 'index.js'))) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/from ["']react|@tanstack/);
    }
  });

  it('given a Vite browser bundle of the whole root entry, should contain none of the server code', async () => {
    const app = join(scratch, 'browser-app');
    unpack(app);
    for (const peer of ['react', 'react-dom', '@tanstack']) symlinkSync(join(repo, 'node_modules', peer), join(app, 'node_modules', peer));
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title><script type="module" src="./main.js"></script>');
    // Every export kept (no tree shaking can hide an import), plus the core entry.
    writeFileSync(join(app, 'main.js'), "import * as kit from 'meld-reconnect-kit';\nimport * as core from 'meld-reconnect-kit/core';\nwindow.__kit = { kit, core };\n");
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: app, configFile: false, logLevel: 'silent', base: './', build: { outDir: 'dist', minify: false } });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    const assets = join(app, 'dist', 'assets');
    const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const bundle = files.map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
    expect(bundle).toContain('createHostClient'); // the bundle holds the kit...
    for (const marker of SERVER_MARKERS) expect(bundle, `browser bundle contains "${marker}"`).not.toContain(marker);
  });
});
