// CSRF in a real browser (issue 13, item 6): a page on another site makes
// Chromium send changes to the demo's backend, which signs every request in
// as the demo customer (as a session cookie would). None of them reaches
// Meld; the demo's own page, on the backend's origin, still changes things.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../demo/connections.js';
import { startE2E, type E2E } from './harness.js';

let e2e: E2E;
let evil: Server;
/** Another site: the demo is on 127.0.0.1, this page on localhost. */
let evilUrl: string;
let api: string;

/** What a cross-site attacker's page does, chosen by the path it is opened at. */
function attackPage(path: string): string {
  const update = `${api}/connections/${DEMO_IDS.healthy}/update`;
  if (path === '/form') {
    // The classic: a form that posts JSON-looking text/plain with the customer's cookies.
    return `<!doctype html><form id="f" method="POST" action="${update}" enctype="text/plain">
      <input name='{"products":["INVESTMENT_HOLDINGS"],"x":"' value='"}'></form>
      <script>document.getElementById('f').submit();</script>`;
  }
  return `<!doctype html><title>attack</title>`;
}

const meldChanges = () => e2e.demo.simulator.requests().filter((r) => r.method !== 'GET');

beforeAll(async () => {
  e2e = await startE2E();
  api = new URL('/api/meld', e2e.demo.url).href;
  evil = createServer((request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(request.url ?? '/')));
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => evil?.close(resolve));
  await e2e?.close();
});
beforeEach(async () => {
  await e2e.reset();
});

describe('a page on another site, with the customer signed in', () => {
  it('given an auto-submitting <form enctype="text/plain"> to update, should get 403 ORIGIN_NOT_ALLOWED and Meld is never asked', async () => {
    const context = await e2e.browser.newContext();
    try {
      const page = await context.newPage();
      const answered = page.waitForResponse((response) => response.url().endsWith('/update'));
      await page.goto(`${evilUrl}/form`);
      const response = await answered;
      expect(response.status()).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
      expect(response.request().headers()['content-type']).toBe('text/plain');
    } finally {
      await context.close();
    }
    expect(meldChanges()).toEqual([]);
  });

  it('given fetch() calls it can make without a preflight (no-cors, text/plain) and one with JSON (preflighted), should change nothing', async () => {
    const context = await e2e.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${evilUrl}/`);
      const outcomes = await page.evaluate(
        async ({ api, healthy, login }) => {
          const tries = [
            fetch(`${api}/connections/${login}/repair`, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{}' }),
            fetch(`${api}/connections/${healthy}/refresh`, { method: 'POST', mode: 'no-cors', credentials: 'include' }),
            fetch(`${api}/connections/${healthy}`, { method: 'POST', mode: 'no-cors', credentials: 'include', body: new URLSearchParams({ products: 'OWNERS' }) }),
            // Needs a CORS preflight the backend never grants: the POST itself is never sent.
            fetch(`${api}/connections/${healthy}/update`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"products":["OWNERS"]}' }),
            fetch(`${api}/connections/${healthy}`, { method: 'DELETE', credentials: 'include' }),
          ];
          return Promise.all(tries.map((t) => t.then((r) => r.type, (e: unknown) => `rejected: ${String(e)}`)));
        },
        { api, healthy: DEMO_IDS.healthy, login: DEMO_IDS.loginRequired },
      );
      expect(outcomes.slice(0, 3)).toEqual(['opaque', 'opaque', 'opaque']);
      expect(outcomes.slice(3)).toEqual([expect.stringMatching(/^rejected/), expect.stringMatching(/^rejected/)]);
    } finally {
      await context.close();
    }
    const answered = e2e.demo.requests().filter((r) => r.path.startsWith('/api/meld/') && r.method === 'POST');
    expect(answered.map((r) => r.status)).toEqual([403, 403, 403]);
    expect(meldChanges()).toEqual([]);
  });
});

describe("the demo's own page, on the backend's origin", () => {
  it('given the same changes from its own page, should accept them (Chromium says Sec-Fetch-Site: same-origin)', async () => {
    const page = await e2e.open();
    const statuses = await page.evaluate(async (healthy) => {
      const json = { 'content-type': 'application/json' };
      const refresh = await fetch(`/api/meld/connections/${healthy}/refresh`, { method: 'POST', headers: json });
      const update = await fetch(`/api/meld/connections/${healthy}/update`, { method: 'POST', headers: json, body: '{"products":["INVESTMENT_HOLDINGS"]}' });
      const plain = await fetch(`/api/meld/connections/${healthy}/refresh`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
      return [refresh.status, update.status, plain.status];
    }, DEMO_IDS.healthy);
    // text/plain is refused even from the site itself: only JSON changes anything.
    expect(statuses).toEqual([202, 202, 415]);
    expect(meldChanges().map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /bank-linking/connections/${DEMO_IDS.healthy}/refresh`,
      `POST /bank-linking/connections/${DEMO_IDS.healthy}/update`,
    ]);
  });
});
