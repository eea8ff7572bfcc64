// The built package as a host app meets it: packed with `npm pack`, installed
// into a scratch folder, then imported from plain Node ESM, bundled by Vite,
// and loaded as a native ES module in Chromium. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs';
import { viteProductionBuild } from './packedPackage.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let scratch: string;
let server: Server;
let origin: string;
let browser: Browser | undefined;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };

function serve(dir: string): Promise<Server> {
  const srv = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(path.endsWith('/') ? join(path, 'index.html') : path);
      res.writeHead(200, { 'content-type': TYPES[extname(path) || '.html'] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

async function textInChromium(url: string): Promise<string> {
  const executablePath = process.env.CHROMIUM_PATH ?? findChromium();
  browser ??= await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  const text = await page.locator('#out').textContent({ timeout: 10_000 });
  await page.close();
  expect(errors).toEqual([]);
  return text ?? '';
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'mrk-consumer-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: repo, encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1);
  const installed = join(scratch, 'node_modules', 'meld-reconnect-kit');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(scratch, tarball ?? ''), '-C', installed, '--strip-components=1']);
  // The peers a host app would have installed.
  for (const peer of ['react', 'react-dom', '@tanstack']) {
    symlinkSync(join(repo, 'node_modules', peer), join(scratch, 'node_modules', peer));
  }
  server = await serve(scratch);
  const address = server.address();
  origin = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('should ship dist, the guides (docs/*.md), SECURITY.md, the README and package.json', () => {
    const pkg = join(scratch, 'node_modules', 'meld-reconnect-kit');
    expect(readdirSync(pkg).sort()).toEqual(['README.md', 'SECURITY.md', 'dist', 'docs', 'package.json']);
    const docs = readdirSync(join(pkg, 'docs'));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((file) => file.endsWith('.md'))).toBe(true);
  });

  it('should mark the React entry, and only it, as client code for React Server Components (Next.js App Router)', () => {
    const dist = join(scratch, 'node_modules', 'meld-reconnect-kit', 'dist');
    expect(readFileSync(join(dist, 'index.js'), 'utf8')).toMatch(/^["']use client["'];/);
    for (const entry of ['core/index.js', 'server/index.js', 'testing/index.js', 'testing/msw/index.js']) {
      expect(readFileSync(join(dist, entry), 'utf8'), entry).not.toMatch(/^["']use client["']/);
    }
  });

  it('given a plain Node ESM script, should import core and the root entry', () => {
    writeFileSync(
      join(scratch, 'check.mjs'),
      `import { STATUS_TABLE, createHostClient, getRenewal, getStatusInfo, isOperationAllowed, isRenewalPromptDue } from 'meld-reconnect-kit/core';
       import * as root from 'meld-reconnect-kit';
       const renewal = getRenewal({ id: 'c1', status: 'ACTIVE' }, { now: 0, policy: { lastAuthorizedAt: '2026-01-10T09:00:00Z', periodDays: 90 } });
       console.log(JSON.stringify({
         renewal: [renewal.source, renewal.renewBy.toISOString(), root.getRenewal === getRenewal, typeof isRenewalPromptDue, typeof root.isRenewalPromptDue],
         repairLinks: [typeof root.useRepairLink, typeof root.RepairLinkLanding, typeof createHostClient({ baseUrl: '/api' }).redeemRepairLink],
         rows: STATUS_TABLE.length,
         prompt: getStatusInfo('RECONNECT_REQUIRED', 'LOGIN_REQUIRED').prompt,
         refresh: isOperationAllowed('refresh', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED'),
         sameTable: root.STATUS_TABLE === STATUS_TABLE,
       }));`,
    );
    const out = execFileSync('node', ['check.mjs'], { cwd: scratch, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
    expect(JSON.parse(out)).toEqual({
      renewal: ['policy', '2026-04-10T09:00:00.000Z', true, 'function', 'function'],
      repairLinks: ['function', 'function', 'function'],
      rows: 23,
      prompt: 'reconnect',
      refresh: false,
      sameTable: true,
    });
  });

  it('given a Vite app that only needs decisions, should bundle without Meld\'s prose and run in Chromium', async () => {
    const app = join(scratch, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title><p id="out"></p><script type="module" src="./main.js"></script>');
    writeFileSync(
      join(app, 'main.js'),
      `import 'meld-reconnect-kit/styles.css';
       import { getStatusDecision, isOperationAllowed } from 'meld-reconnect-kit/core';
       const d = getStatusDecision('ACTIVE', 'ACCESS_EXPIRING_SOON');
       document.getElementById('out').textContent = d.prompt + ' ' + isOperationAllowed('repair', 'EXPIRED');`,
    );
    await viteProductionBuild(app);
    const assets = join(app, 'dist', 'assets');
    const bundle = readdirSync(assets).map((file) => readFileSync(join(assets, file), 'utf8')).join('\n');
    expect(bundle).toContain('expiring-soon');
    expect(bundle).toContain('--mrk-surface'); // the opt-in stylesheet resolved and bundled
    expect(bundle).not.toContain('Customer abandoned the widget');
    expect(bundle).not.toContain('console.warn'); // development warnings folded away in production
    expect(bundle).not.toContain('Unknown connection status');
    await expect(textInChromium(`${origin}/app/dist/index.html`)).resolves.toBe('expiring-soon false');
  });

  it('given a page with no bundler (no process global), should run core as a native module', async () => {
    writeFileSync(
      join(scratch, 'native.html'),
      `<!doctype html><title>native</title><p id="out"></p><script type="module">
        import { getStatusInfo } from '/node_modules/meld-reconnect-kit/dist/core/index.js';
        document.getElementById('out').textContent = getStatusInfo('NOT_A_STATUS').prompt + ' ' + typeof process;
      </script>`,
    );
    await expect(textInChromium(`${origin}/native.html`)).resolves.toBe('unknown undefined');
  });
});
