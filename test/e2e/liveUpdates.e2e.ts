// Status changes pushed by Meld's webhook reach an open page without a
// reload; messages that do not come from the widget's own origin change nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS, LAKESIDE_MESSAGE } from '../../demo/connections.js';
import { badge, banner, card, expectAttribute, expectText, signIn, startE2E, widgetDialog, widgetFrame, type E2E } from './harness.js';

let e2e: E2E;
let thirdOrigin: Server;
let thirdOriginUrl: string;

// A page on another origin that posts a forged `connect_complete` to its parent.
const FORGER = `<!doctype html><script>
  parent.postMessage({ domain: 'meld-connect', eventName: 'connect_complete', metadata: { institutionId: 'ins_harbor', accountCount: 2 } }, '*');
  parent.postMessage(JSON.stringify({ domain: 'meld-connect', eventName: 'connect_complete' }), '*');
</script>`;

beforeAll(async () => {
  e2e = await startE2E();
  thirdOrigin = createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(FORGER));
  await new Promise<void>((resolve) => thirdOrigin.listen(0, '127.0.0.1', resolve));
  thirdOriginUrl = `http://127.0.0.1:${(thirdOrigin.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => thirdOrigin?.close(resolve));
  await e2e?.close();
});
beforeEach(async () => {
  await e2e.reset();
});

describe('given an open page', () => {
  it('when Meld pushes a status change by webhook, should show it within 1 s, and take it away again', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const northstar = card(page, DEMO_IDS.healthy);
    expect(await banner(northstar).count()).toBe(0);
    const countBefore = Number(await page.getByTestId('attention-count').textContent());
    const reads = () => e2e.demo.requests().filter((r) => r.path.startsWith('/api/meld/connections')).length;
    const readsBefore = reads();

    const shown = banner(northstar).locator('xpath=self::*[@data-state="reconnect"]').waitFor({ timeout: 5_000 });
    const started = performance.now();
    const delivery = await simulator.setStatus(DEMO_IDS.healthy, 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED');
    await shown;
    const appeared = performance.now() - started;
    expect(delivery.state).toBe('delivered');
    expect(appeared).toBeLessThan(1_000);
    await expectText(banner(northstar), 'Your connection to Northstar Bank stopped updating.');
    await expectAttribute(badge(northstar), 'data-state', 'reconnect');
    await expectText(page.getByTestId('attention-count'), String(countBefore + 1));

    const hidden = banner(northstar).waitFor({ state: 'detached', timeout: 5_000 });
    const fixedAt = performance.now();
    await simulator.setStatus(DEMO_IDS.healthy, 'ACTIVE', null);
    await hidden;
    expect(performance.now() - fixedAt).toBeLessThan(1_000);
    await expectText(badge(northstar), 'Connected');
    // Pushed, not fetched: no read of the connections since the page loaded.
    expect(reads()).toBe(readsBefore);
  });

  it('when someone breaks a connection from the control panel, should show the prompt with no reload', async () => {
    const page = await e2e.open();
    const controls = page.getByRole('complementary', { name: 'Simulator controls' });
    await controls.getByLabel('Connection').selectOption({ label: 'Northstar Bank' });
    await controls.getByLabel('At the bank').selectOption({ label: 'Password changed (RECONNECT_REQUIRED · LOGIN_REQUIRED)' });
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    await controls.getByRole('button', { name: 'Send webhook' }).click();

    await expectAttribute(banner(card(page, DEMO_IDS.healthy)), 'data-state', 'reconnect');
    await expectText(controls.getByRole('status'), 'Northstar Bank: webhook delivered (200');
    expect(navigations).toEqual([]);
    expect(e2e.demo.simulator.getConnection(DEMO_IDS.healthy)?.statusReason).toBe('LOGIN_REQUIRED');
  });

  it('when the bank asks for an action, should show its own message, as text', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const message = 'Approve <b>Pebble</b> in the Northstar app & come back.';
    await simulator.setStatus(DEMO_IDS.healthy, 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionMessage: message });
    const northstar = card(page, DEMO_IDS.healthy);
    await expectAttribute(banner(northstar), 'data-state', 'institution-action');
    await expectText(banner(northstar).locator('[data-slot="banner-detail"]'), message);
    expect(await banner(northstar).locator('b').count()).toBe(0);
    // Meld has no message field: the simulator keeps the words where Plaid does, in serviceProviderDetails.
    expect(simulator.getConnection(DEMO_IDS.healthy)).not.toHaveProperty('institutionMessage');
    // A fresh page reads them back from Meld's serviceProviderDetails (the demo backend stores nothing).
    await page.reload();
    await expectText(banner(card(page, DEMO_IDS.healthy)).locator('[data-slot="banner-detail"]'), message);
    // The seeded INSTITUTION_ACTION_REQUIRED card shows its bank's own words the same way.
    await expectText(banner(card(page, DEMO_IDS.institutionAction)).locator('[data-slot="banner-detail"]'), LAKESIDE_MESSAGE);
  });
});

describe('given the widget open for a repair', () => {
  it('when a forged connect_complete arrives from the page itself or from a third origin, should change nothing', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const harbor = card(page, DEMO_IDS.loginRequired);
    await harbor.getByRole('button', { name: 'Reconnect' }).click();
    await widgetFrame(page, simulator.widgetOrigin);
    await expectAttribute(banner(harbor), 'data-state', 'widget-open');
    const requestsBefore = e2e.demo.requests().length;

    // From the page's own origin (any script on it), as an object and as a JSON string.
    await page.evaluate(() => {
      window.postMessage({ domain: 'meld-connect', eventName: 'connect_complete', metadata: { accountCount: 1 } }, '*');
      window.postMessage(JSON.stringify({ domain: 'meld-connect', eventName: 'connect_complete' }), '*');
    });
    // From a third origin: a frame of another server posts to its parent.
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.title = 'third origin';
      document.body.append(frame);
    }, thirdOriginUrl);
    await expect.poll(() => page.frames().some((f) => f.url().startsWith(thirdOriginUrl)), { timeout: 5_000 }).toBe(true);

    await page.waitForTimeout(1_500);
    await expectAttribute(banner(harbor), 'data-state', 'widget-open');
    expect(await widgetDialog(page).count()).toBe(1);
    expect(e2e.demo.requests().slice(requestsBefore)).toEqual([]); // no verification read, nothing
    expect(simulator.getConnection(DEMO_IDS.loginRequired)?.status).toBe('RECONNECT_REQUIRED');
    expect(simulator.webhooks()).toHaveLength(0);

    // The real widget still completes the flow.
    await signIn(await widgetFrame(page, simulator.widgetOrigin));
    await expectAttribute(banner(harbor), 'data-state', 'verified');
  });
});
