// `meld-reconnect-kit/testing` as a host meets it, from the packed package:
// imported from plain Node ESM with no React installed (msw, its optional
// peer, present), working against the packed server entry; and proof that
// the other entries never reach it, in the published module graph and in a
// Vite browser bundle of the root entry. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleGraph, packPackage, viteBrowserBuildError, viteBrowserBundle, type PackedPackage } from './packedPackage.js';
let packed: PackedPackage;

// Strings only the testing entry holds.
const TESTING_MARKERS = ['createMeldSimulator', 'hostApiHandlers', '/__sim', 'sim_webhook_secret', 'Meld simulator', 'MeldTestingError', 'SIMULATED_RETRY'];

beforeAll(() => {
  packed = packPackage('mrk-testing-consumer-');
});

afterAll(() => packed.remove());

describe('meld-reconnect-kit/testing from the packed package', () => {
  it('given plain Node ESM with msw and no React, should import and run a whole repair with the packed server entry', () => {
    const app = join(packed.scratch, 'node-host');
    packed.unpack(app);
    packed.link(app, ['msw']);
    expect(existsSync(join(app, 'node_modules', 'react'))).toBe(false);
    writeFileSync(
      join(app, 'check.mjs'),
      `import * as testing from 'meld-reconnect-kit/testing';
       import * as testingMsw from 'meld-reconnect-kit/testing/msw';
       import { createMeldClient, verifyMeldWebhook } from 'meld-reconnect-kit/server';
       import { createHostClient, parseWidgetMessage } from 'meld-reconnect-kit/core';
       import { setupServer } from 'msw/node';
       import { createServer } from 'node:http';
       const { createMeldSimulator, hostApiHandlers, MeldTestingError } = testing;

       const verified = [];
       const receiver = createServer(async (req, res) => {
         let body = '';
         for await (const chunk of req) body += chunk;
         verified.push(await verifyMeldWebhook({ secret: 'sim_webhook_secret', url: receiverUrl, rawBody: body, headers: req.headers }));
         res.writeHead(200).end();
       });
       await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
       const receiverUrl = 'http://127.0.0.1:' + receiver.address().port + '/hooks';

       const sim = await createMeldSimulator({ webhookUrl: receiverUrl, connections: [{ id: 'conn_1', externalCustomerId: 'u1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }] });
       const meld = createMeldClient({ apiKey: sim.apiKey, baseUrl: sim.url });
       const session = await meld.repairConnection('conn_1');
       const page = await (await fetch(session.widgetUrl)).text();
       const signIn = await (await fetch(sim.widgetOrigin + '/widget/api/sign-in', { method: 'POST', body: JSON.stringify({ token: session.connectToken, username: 'a', password: 'b' }) })).json();
       await sim.settled();
       const after = await meld.getConnection('conn_1');
       let badPort = '';
       try { await createMeldSimulator({ port: 1, widgetPort: 1 }); } catch (e) { badPort = e instanceof MeldTestingError ? e.code : 'other'; }
       await sim.close();
       receiver.close();

       const host = hostApiHandlers({ baseUrl: 'http://app.test/api/meld', connections: [{ id: 'c', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }], repair: { c: 429 } });
       const server = setupServer(...host.handlers);
       server.listen({ onUnhandledRequest: 'error' });
       const kit = createHostClient({ baseUrl: 'http://app.test/api/meld' });
       const listed = (await kit.listConnections()).map((c) => c.id);
       const repairKind = await kit.repairConnection('c').then(() => 'ok', (e) => e.kind);
       server.close();

       const viaMswEntry = testingMsw.hostApiHandlers({ baseUrl: 'http://app.test/api/meld', connections: [{ id: 'd', status: 'ACTIVE', statusReason: null }], repairLinks: { tok_d: 'd' } });
       const server2 = setupServer(...viaMswEntry.handlers);
       server2.listen({ onUnhandledRequest: 'error' });
       const listedViaMswEntry = (await kit.listConnections()).map((c) => c.id);
       const redeemed = [(await kit.redeemRepairLink('tok_d')).connectionId, await kit.redeemRepairLink('tok_d').then(() => 'again', (e) => e.kind)];
       server2.close();

       console.log(JSON.stringify({
         exports: Object.keys(testing).sort(),
         mswExports: Object.keys(testingMsw).sort(),
         sameError: testingMsw.MeldTestingError === MeldTestingError,
         listedViaMswEntry,
         redeemed,
         widgetOnItsOrigin: session.widgetUrl.startsWith(sim.widgetOrigin + '/?connectToken='),
         signInPage: page.includes('Sign in to First Simulated Bank'),
         posted: parseWidgetMessage(signIn.post)?.eventName,
         status: after.status,
         webhooks: verified,
         badPort,
         listed, repairKind,
       }));`,
    );
    const out = JSON.parse(execFileSync('node', ['check.mjs'], { cwd: app, encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({
      exports: ['MeldTestingError', 'WIDGET_BEHAVIOURS', 'createMeldSimulator', 'hostApiHandlers'],
      mswExports: ['MeldTestingError', 'hostApiHandlers'],
      sameError: true,
      listedViaMswEntry: ['d'],
      redeemed: ['d', 'invalid-link'],
      widgetOnItsOrigin: true,
      signInPage: true,
      posted: 'connect_complete',
      status: 'ACTIVE',
      // STATUS_CHANGE, CONNECTION_COMPLETED, ACCOUNTS_UPDATING, ACCOUNTS_UPDATED: all signed.
      webhooks: [true, true, true, true],
      badPort: 'invalid-option',
      listed: ['c'],
      repairKind: 'rate-limited',
    });
  });

  it('should ship typings for the testing entry, without React', () => {
    const dist = join(packed.unpack(join(packed.scratch, 'types-check')), 'dist', 'testing');
    const types = readFileSync(join(dist, 'index.d.ts'), 'utf8');
    for (const name of ['createMeldSimulator', 'hostApiHandlers', 'MeldSimulator', 'HostApiHandlers', 'HostRedeemAnswer', 'WidgetBehaviour']) expect(types).toContain(name);
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.d.ts'))) {
      expect(readFileSync(join(dist, file), 'utf8')).not.toMatch(/from ['"](?:react|@tanstack)/);
    }
  });

  it('given the other entries, should never reach the testing modules (module graph); the testing entry holds no React', () => {
    const pkg = packed.unpack(join(packed.scratch, 'graph'));
    const testingDir = join(pkg, 'dist', 'testing');
    for (const entry of ['dist/index.js', 'dist/core/index.js', 'dist/server/index.js']) {
      const graph = moduleGraph(join(pkg, entry));
      expect(graph.size).toBeGreaterThan(5);
      const reached = [...graph].filter((file) => !relative(testingDir, file).startsWith('..'));
      expect(reached, `${entry} reaches testing code`).toEqual([]);
    }
    for (const file of moduleGraph(join(testingDir, 'index.js'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ["'](?:react|@tanstack)|import\(["'](?:react|@tanstack)/);
    }
  });

  it('given a Vite browser bundle of the whole root entry, should contain none of the testing code', async () => {
    const app = join(packed.scratch, 'browser-app');
    packed.unpack(app);
    packed.link(app, ['react', 'react-dom', '@tanstack']);
    const bundle = await viteBrowserBundle(app, "import * as kit from 'meld-reconnect-kit';\nimport * as core from 'meld-reconnect-kit/core';\nwindow.__kit = { kit, core };\n");
    expect(bundle).toContain('createHostClient');
    for (const marker of TESTING_MARKERS) expect(bundle, `browser bundle contains "${marker}"`).not.toContain(marker);
    expect(bundle).not.toMatch(/from ["']msw|mswjs/);
  });

  it('given a browser bundle that uses hostApiHandlers from /testing/msw (Storybook, a mock page), should build without the simulator\'s Node code', async () => {
    const app = join(packed.scratch, 'msw-app');
    packed.unpack(app);
    packed.link(app, ['msw']);
    const bundle = await viteBrowserBundle(app, "import { hostApiHandlers } from 'meld-reconnect-kit/testing/msw';\nwindow.__host = hostApiHandlers({ connections: [] });\n");
    expect(bundle).toContain('CONNECTION_NOT_FOUND');
    for (const marker of ['node:http', '/__sim', 'Sign in to', 'createServer(']) expect(bundle, `bundle contains "${marker}"`).not.toContain(marker);
  });

  it('given a browser build (Vite) that imports meld-reconnect-kit/testing, should fail to build with the kit\'s message naming /testing/msw', async () => {
    const app = join(packed.scratch, 'leaky-app');
    packed.unpack(app);
    packed.link(app, ['msw']);
    const error = await viteBrowserBuildError(app, "import { hostApiHandlers } from 'meld-reconnect-kit/testing';\nwindow.__host = hostApiHandlers;\n");
    expect(error).toBeDefined();
    expect(error).toContain('meld-reconnect-kit/testing is Node-only (the Meld simulator) and was imported from browser code');
    expect(error).toContain('import hostApiHandlers from meld-reconnect-kit/testing/msw');
  });

  it('given Node with no msw installed, should run the simulator, and hostApiHandlers should throw the kit\'s error naming the fix', () => {
    const app = join(packed.scratch, 'no-msw');
    packed.unpack(app);
    expect(existsSync(join(app, 'node_modules', 'msw'))).toBe(false);
    writeFileSync(
      join(app, 'check.mjs'),
      `import { createMeldSimulator, hostApiHandlers, MeldTestingError } from 'meld-reconnect-kit/testing';
       import { createMeldClient } from 'meld-reconnect-kit/server';
       const sim = await createMeldSimulator({ connections: [{ id: 'conn_1', externalCustomerId: 'u1', status: 'ACTIVE', statusReason: null }] });
       const listed = await createMeldClient({ apiKey: sim.apiKey, baseUrl: sim.url }).getConnection('conn_1');
       await sim.close();
       let missing = {};
       try { hostApiHandlers({ connections: [] }); } catch (e) { missing = { kit: e instanceof MeldTestingError, kind: e.kind, message: e.message }; }
       let mswEntry = '';
       try { await import('meld-reconnect-kit/testing/msw'); } catch (e) { mswEntry = e.code + ' ' + e.message; }
       console.log(JSON.stringify({ simulated: listed.id, missing, mswEntry }));`,
    );
    const out = JSON.parse(execFileSync('node', ['check.mjs'], { cwd: app, encoding: 'utf8' })) as {
      simulated: string;
      missing: { kit: boolean; kind: string; message: string };
      mswEntry: string;
    };
    expect(out.simulated).toBe('conn_1');
    expect(out.missing.kit).toBe(true);
    expect(out.missing.kind).toBe('msw-missing');
    expect(out.missing.message).toContain('npm i -D msw');
    // The entry named after msw needs it at import: Node's own error names the package.
    expect(out.mswEntry).toMatch(/^ERR_MODULE_NOT_FOUND .*'msw'/);
  });
});
