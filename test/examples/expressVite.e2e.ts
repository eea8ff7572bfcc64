// examples/express-vite, as a user runs it: installed from the packed kit
// (installExamples.ts), type-checked and built (`vite build`), `npm start`
// (Express, the built front end and the kit's Meld simulator), a repair driven
// in Chromium.
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakAndRepair, exampleDir, firstLoadJs, launchChromium, mustRun, openPage, runCommand, serverErrorLines, startExample, type CommandResult, type RunningExample } from './harness.js';

const app = exampleDir('express-vite');
const bin = (name: string) => join(app, 'node_modules', '.bin', name);

let typecheck: CommandResult;
let viteBuild: string;
beforeAll(async () => {
  typecheck = await runCommand(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: app });
  viteBuild = await mustRun(bin('vite'), ['build'], { cwd: app });
}, 120_000);

describe('given the Express + Vite example, installed from the packed kit', () => {
  it('should type-check, front end and server, against the packed kit\'s types', () => {
    expect(typecheck.output).toBe('');
    expect(typecheck.code).toBe(0);
  });

  it('should build its front end with `vite build` and print no warning', () => {
    expect(viteBuild).toMatch(/built in/);
    expect(viteBuild.split('\n').filter((line) => /warn|\(!\)/i.test(line))).toEqual([]);
  });

  describe('when started with the Meld simulator (npm start)', () => {
    let running: RunningExample;
    let browser: Browser;
    beforeAll(async () => {
      running = await startExample(app, ['server/index.js']);
      browser = await launchChromium();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await running?.stop();
    });

    it('should put the customer\'s connections into the page it serves', async () => {
      const html = await (await fetch(running.url)).text();
      const state = JSON.parse(/<script id="app-state" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null') as {
        queries: { queries: { queryKey: unknown[]; state: { data: unknown } }[] };
      };
      const list = state.queries.queries.find((q) => JSON.stringify(q.queryKey) === JSON.stringify(['meld-reconnect-kit', 'connections', 'list']));
      expect(list?.state.data).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: 'conn_summit', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' })]),
      );
    });

    it('should show a connection Meld breaks live, repair it in Meld\'s widget and verify it, with no page or server error', async () => {
      const watched = await openPage(browser, running.url);
      // Rendered from the page's own data: the broken bank shows before any request.
      await watched.page.locator('[data-connection-id="conn_summit"] [data-slot="banner"][data-state="reconnect"]').waitFor({ timeout: 10_000 });
      await breakAndRepair(running, watched, 'conn_harbor');
      expect(watched.failedRequests).toEqual([]);
      expect(watched.pageErrors).toEqual([]);
      expect(watched.consoleErrors).toEqual([]);
      expect(serverErrorLines(running.logs())).toEqual([]);
      expect(running.errorLogs()).toBe('');
      await watched.page.context().close();
    }, 60_000);

    it('should report the page\'s First Load JS', async () => {
      const { bytes, scripts } = await firstLoadJs(running.url);
      console.log(`[examples] Express + Vite page First Load JS: ${(bytes / 1000).toFixed(1)} kB gzip in ${scripts} scripts`);
      expect(bytes).toBeLessThan(150_000);
    });
  });
});
