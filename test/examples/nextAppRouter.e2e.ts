// examples/next-app-router, as a user runs it: installed from the packed kit
// (installExamples.ts), `next build` once, `npm start` (Next.js and the kit's
// Meld simulator), a repair driven in Chromium; and the build refusing the
// kit's server entry in a client component.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakAndRepair, exampleDir, firstLoadJs, launchChromium, openPage, runCommand, serverErrorLines, startExample, type CommandResult, type RunningExample } from './harness.js';

const app = exampleDir('next-app-router');
const nextBin = join(app, 'node_modules', 'next', 'dist', 'bin', 'next');

/**
 * Lines of `next build` output that warn: Next marks them ⚠ (or says "warn").
 * One is about the machine, not the app: on a CI runner (`CI` set) Next asks
 * for a persisted `.next/cache`, which a fresh clone never has.
 */
const ciCacheAdvice = /No build cache found/;
const warnings = (output: string) =>
  output.split('\n').filter((line) => /⚠|\bwarn(ing)?\b/i.test(line) && !ciCacheAdvice.test(line));

let build: CommandResult;
beforeAll(async () => {
  await rm(join(app, '.next'), { recursive: true, force: true });
  const started = performance.now();
  build = await runCommand(process.execPath, [nextBin, 'build'], { cwd: app });
  if (build.code !== 0) throw new Error(`next build failed:\n${build.output}`);
  console.log(`[examples] next build: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 240_000);

describe('given the Next.js App Router example, installed from the packed kit', () => {
  it('should build with `next build` and print no warning', () => {
    expect(build.output).toMatch(/Compiled successfully/);
    expect(build.output).toMatch(/Finished TypeScript/); // the example type-checks against the packed .d.ts files
    expect(warnings(build.output)).toEqual([]);
  });

  describe('when started with the Meld simulator (npm start)', () => {
    let running: RunningExample;
    let browser: Browser;
    beforeAll(async () => {
      running = await startExample(app, ['scripts/withSimulator.mjs', 'start']);
      browser = await launchChromium();
    }, 90_000);
    afterAll(async () => {
      await browser?.close();
      await running?.stop();
    });

    it('should render the customer\'s connections on the server, the prompt that is due included', async () => {
      const html = await (await fetch(running.url)).text();
      // Prefetched by the Server Component: the broken bank's badge and banner are in the HTML.
      expect(html).toMatch(/data-connection-id="conn_summit".*?data-slot="status-badge" data-state="reconnect"/s);
      expect(html).toMatch(/data-state="reconnect"[^>]*data-slot="banner"/);
      expect(html).toContain('Reconnect');
      expect(html).toMatch(/data-connection-id="conn_harbor".*?data-state="none"/s);
    });

    it('should show a connection Meld breaks live, repair it in Meld\'s widget and verify it, with no page, hydration or server error', async () => {
      const watched = await openPage(browser, running.url);
      await breakAndRepair(running, watched, 'conn_harbor');
      expect(watched.failedRequests).toEqual([]);
      expect(watched.pageErrors).toEqual([]);
      expect(watched.consoleErrors).toEqual([]); // React reports hydration mismatches here
      expect(serverErrorLines(running.logs())).toEqual([]);
      expect(running.errorLogs()).toBe('');
      await watched.page.context().close();
    }, 60_000);

    it('should keep the page\'s First Load JS free of server code', async () => {
      const { bytes, scripts } = await firstLoadJs(running.url);
      console.log(`[examples] Next.js page First Load JS: ${(bytes / 1000).toFixed(1)} kB gzip in ${scripts} scripts`);
      // React, Next.js, TanStack Query and the kit come to about 160 kB; the kit's server
      // entry in a client bundle (with a crypto polyfill) would add over 100 kB.
      expect(bytes).toBeLessThan(220_000);
    });
  });

  // No retry: a second build would not change the answer.
  it('when client components import meld-reconnect-kit/server or /testing, `next build` should fail with the kit\'s message', { retry: 0, timeout: 180_000 }, async () => {
    // An app beside the example (so it resolves the same node_modules): a layout, and a page
    // rendering two client components, one using the server entry, one the simulator.
    const variant = join(app, '.checks', 'node-entries-in-client');
    await rm(variant, { recursive: true, force: true });
    await mkdir(join(variant, 'app'), { recursive: true });
    await cp(join(app, 'tsconfig.json'), join(variant, 'tsconfig.json'));
    await writeFile(
      join(variant, 'next.config.ts'),
      `import type { NextConfig } from 'next';\n\nconst nextConfig: NextConfig = { turbopack: { root: ${JSON.stringify(app)} } };\n\nexport default nextConfig;\n`,
    );
    await writeFile(
      join(variant, 'app', 'layout.tsx'),
      "import type { ReactNode } from 'react';\n\nexport default function RootLayout({ children }: { children: ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n",
    );
    const clientComponent = (name: string, entry: string, use: string) =>
      `'use client';\nimport { ${use} } from 'meld-reconnect-kit/${entry}';\n\nexport function ${name}() {\n  return <button type="button" onClick={() => void ${use}}>${name}</button>;\n}\n`;
    await writeFile(join(variant, 'app', 'ServerInClient.tsx'), clientComponent('ServerInClient', 'server', 'createMeldClient'));
    await writeFile(join(variant, 'app', 'TestingInClient.tsx'), clientComponent('TestingInClient', 'testing', 'createMeldSimulator'));
    await writeFile(
      join(variant, 'app', 'page.tsx'),
      [
        "import { ServerInClient } from './ServerInClient';",
        "import { TestingInClient } from './TestingInClient';",
        '',
        'export default function Page() {',
        '  return (',
        '    <>',
        '      <ServerInClient />',
        '      <TestingInClient />',
        '    </>',
        '  );',
        '}',
        '',
      ].join('\n'),
    );
    try {
      const result = await runCommand(process.execPath, [nextBin, 'build'], { cwd: variant });
      expect(result.code, `next build should have failed:\n${result.output}`).not.toBe(0);
      // The kit's own words, naming the entry and the fix (package.json's "browser" condition
      // points client bundles at a stand-in that stops the build), for each entry.
      expect(result.output).toContain('meld-reconnect-kit/server is server-only and was imported from browser code');
      expect(result.output).toContain('in browser code use meld-reconnect-kit or meld-reconnect-kit/core');
      expect(result.output).toContain('meld-reconnect-kit/testing is Node-only (the Meld simulator) and was imported from browser code');
    } finally {
      await rm(join(app, '.checks'), { recursive: true, force: true });
    }
  });
});
