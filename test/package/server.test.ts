// `meld-reconnect-kit/server` as a host meets it, from the packed package:
// imported from plain Node ESM with no React (and no redis) installed; and
// proof that the browser entries never reach it, both in the published
// module graph and in a Vite browser bundle of the root entry. Needs
// `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleGraph, packPackage, viteBrowserBuildError, viteBrowserBundle, viteProductionBuild, type PackedPackage } from './packedPackage.js';
let packed: PackedPackage;

// Strings only server code holds: Meld's API paths and headers, Node built-ins, server-only exports.
const SERVER_MARKERS = ['meld-signature', '/bank-linking/', 'node:crypto', 'node:http', 'createReconnectHandler', 'createWebhookHandler', 'createMeldClient', 'BASIC ', 'text/event-stream'];

beforeAll(() => {
  packed = packPackage('mrk-server-consumer-');
});

afterAll(() => packed.remove());

describe('meld-reconnect-kit/server from the packed package', () => {
  it('given plain Node ESM with no React and no redis installed, should import and work', () => {
    const app = join(packed.scratch, 'node-host');
    packed.unpack(app);
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
        'createMemoryRepairLinkStore',
        'createReconnectHandler',
        'createRedisEventBus',
        'createRedisRateLimiter',
        'createRedisRepairLinkStore',
        'createRepairLinks',
        'createWebhookHandler',
        'defaultInstitutionMessage',
        'planReconnectNotifications',
        'readInstitutionMessage',
        'signMeldWebhook',
        'toNodeHandler',
        'verifyMeldWebhook',
        'widgetRelayPage',
        'widgetRelayResponse',
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
    const dist = join(packed.unpack(join(packed.scratch, 'types-check')), 'dist', 'server');
    const types = readFileSync(join(dist, 'index.d.ts'), 'utf8');
    expect(types).toContain('createReconnectHandler');
    // A host without `redis` installed still type-checks: no declaration names the package.
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.d.ts'))) {
      expect(readFileSync(join(dist, file), 'utf8')).not.toMatch(/from ['"]redis['"]|import\(['"]redis['"]\)/);
    }
  });

  it('given the browser entries, should never reach the server modules (module graph)', () => {
    const pkg = packed.unpack(join(packed.scratch, 'graph'));
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
    const app = join(packed.scratch, 'browser-app');
    packed.unpack(app);
    packed.link(app, ['react', 'react-dom', '@tanstack']);
    // Every export kept (no tree shaking can hide an import), plus the core entry.
    const bundle = await viteBrowserBundle(app, "import * as kit from 'meld-reconnect-kit';\nimport * as core from 'meld-reconnect-kit/core';\nwindow.__kit = { kit, core };\n");
    expect(bundle).toContain('createHostClient'); // the bundle holds the kit...
    for (const marker of SERVER_MARKERS) expect(bundle, `browser bundle contains "${marker}"`).not.toContain(marker);
  });

  it('given a browser build (Vite) that imports meld-reconnect-kit/server, should fail to build with the kit\'s message naming the fix', async () => {
    const app = join(packed.scratch, 'leaky-app');
    packed.unpack(app);
    const error = await viteBrowserBuildError(app, "import { createReconnectHandler } from 'meld-reconnect-kit/server';\nwindow.__handler = createReconnectHandler;\n");
    expect(error).toBeDefined();
    expect(error).toContain('meld-reconnect-kit/server is server-only and was imported from browser code');
    expect(error).toContain('Import it from server code only (a route handler, a Server Component, your Node backend)');
    expect(error).toContain('in browser code use meld-reconnect-kit or meld-reconnect-kit/core');
  });

  it('given a server build (Vite SSR, bundled) or Node as a React Server Component runtime, should get the real server entry', async () => {
    const app = join(packed.scratch, 'ssr-app');
    packed.unpack(app);
    writeFileSync(join(app, 'server.js'), "import { createReconnectHandler } from 'meld-reconnect-kit/server';\nexport const kind = typeof createReconnectHandler;\n");
    await viteProductionBuild(app, { ssr: 'server.js', minify: false });
    const out = readdirSync(join(app, 'dist')).filter((f) => /\.m?js$/.test(f)).map((f) => readFileSync(join(app, 'dist', f), 'utf8')).join('\n');
    expect(out).toContain('createReconnectHandler needs { basePath }');
    expect(out).not.toContain('server-only and was imported from browser code');
    // Next.js resolves Server Components and route handlers with `react-server` (and `node`).
    writeFileSync(join(app, 'rsc.mjs'), "const server = await import('meld-reconnect-kit/server');\nconsole.log(typeof server.createReconnectHandler, import.meta.resolve('meld-reconnect-kit/server'));\n");
    const rsc = execFileSync('node', ['--conditions=react-server', 'rsc.mjs'], { cwd: app, encoding: 'utf8' }).trim();
    expect(rsc).toMatch(/^function .*\/dist\/server\/index\.js$/);
  });
});
