// The demo's pages: no axe violations in light and dark, and screenshots of
// the key states for the README (docs/images/*.png).
// Deterministic: fixed viewport, fonts, locale, time zone, fixed dates in the
// seeds, reduced motion, no caret; the states are reached through the real
// flow. They are written on every run; `git diff` shows when one changed.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../demo/connections.js';
import { banner, card, expectAttribute, signIn, startE2E, widgetDialog, widgetFrame, type E2E } from './harness.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const images = fileURLToPath(new URL('../../docs/images/', import.meta.url));
let e2e: E2E;

beforeAll(async () => {
  mkdirSync(images, { recursive: true });
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});
beforeEach(async () => {
  await e2e.reset();
});

/** Every prompt the demo's connections call for has loaded (the prompts' view is a lazy chunk). */
async function promptsShown(page: Page): Promise<void> {
  await expect.poll(() => page.locator('[data-connection-id] [data-slot="banner"]').count(), { timeout: 10_000 }).toBe(5);
  await page.locator('[data-slot="new-accounts"]').waitFor();
}

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  // The live dot turns green once the stream is open; wait for every image to have it.
  await page.locator('.demo-live[data-live="open"]').waitFor();
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(images, `${name}.png`), fullPage, animations: 'disabled', caret: 'hide', scale: 'css' });
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

describe('accessibility', () => {
  it('the dashboard and the needs-attention list have no axe violations, light and dark (contrast included)', async () => {
    for (const theme of ['light', 'dark']) {
      const page = await e2e.open({ query: { theme } });
      await promptsShown(page);
      expect(await axeViolations(page), `${theme} dashboard`).toEqual([]);
      await page.getByRole('button', { name: /Needs attention/ }).click();
      await expect.poll(() => page.locator('[data-slot="health-list-item"] [data-slot="banner"]').count(), { timeout: 10_000 }).toBe(5);
      expect(await axeViolations(page), `${theme} needs attention`).toEqual([]);
    }
  });
});

/** The Outbox's clock on a fixed morning (the seeds' dates are fixed), and Harbor's e-mail link to Alex from its plan. */
async function harborLinkOnAFixedMorning(): Promise<string> {
  const api = (path: string, body?: unknown) =>
    fetch(new URL(path, e2e.demo.url), body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await api('/api/demo/outbox/clock', { local: '2026-11-24T10:00', timeZone: 'Europe/London' });
  const view = (await (await api('/api/demo/outbox')).json()) as { planned: Array<{ connectionId: string; channel: string; link?: string }> };
  const link = view.planned.find((m) => m.connectionId === DEMO_IDS.loginRequired && m.channel === 'email')?.link;
  if (!link) throw new Error('the demo planned no e-mail for Harbor');
  return link;
}

describe('accessibility of bringing customers back', () => {
  it('the Outbox with a preview, the landing from a repair link and the sign-in page have no axe violations (light and dark)', async () => {
    for (const theme of ['light', 'dark']) {
      await e2e.reset();
      const link = await harborLinkOnAFixedMorning();
      const page = await e2e.open({ query: { theme } });
      await page.getByRole('button', { name: /^Outbox/ }).click();
      await page.getByTestId('outbox-due').getByRole('button', { name: /^Preview/ }).first().click();
      await page.getByTestId('outbox-preview').waitFor();
      expect(await axeViolations(page), `${theme} outbox`).toEqual([]);

      const landed = `${link}&theme=${theme}`;
      await page.goto(landed);
      await expectAttribute(page.locator('[data-slot="repair-landing"]'), 'data-state', 'ready');
      await page.locator('[data-slot="repair-landing"] [data-slot="repair-landing-prompt"]').waitFor();
      expect(await axeViolations(page), `${theme} landing`).toEqual([]);
    }
    const page = await e2e.open();
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.getByRole('heading', { name: 'Sign in to Pebble' }).waitFor();
    expect(await axeViolations(page), 'sign-in').toEqual([]);
  });
});

describe('screenshots', () => {
  it('dashboard with prompts (light), needs-attention list, and dark theme', async () => {
    const page = await e2e.open();
    await promptsShown(page);
    await shoot(page, 'dashboard', true);

    await page.getByRole('button', { name: /Needs attention/ }).click();
    await expect.poll(() => page.locator('[data-slot="health-list-item"] [data-slot="banner"]').count(), { timeout: 10_000 }).toBe(5);
    await shoot(page, 'needs-attention', true);

    const dark = await e2e.open({ query: { theme: 'dark' } });
    expect(await dark.evaluate(() => document.documentElement.dataset.mrkTheme)).toBe('dark');
    await promptsShown(dark);
    await shoot(dark, 'dashboard-dark', true);
  });

  it('widget open, verified, and still broken', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const harbor = card(page, DEMO_IDS.loginRequired);
    await harbor.getByRole('button', { name: 'Reconnect' }).click();
    const frame = await widgetFrame(page, simulator.widgetOrigin);
    await frame.getByRole('button', { name: 'Sign in' }).waitFor();
    await shoot(page, 'widget-open');

    await signIn(frame);
    await expectAttribute(banner(harbor), 'data-state', 'verified');
    await widgetDialog(page).waitFor({ state: 'detached' });
    await page.mouse.move(0, 0);
    await harbor.screenshot({ path: join(images, 'verified.png'), animations: 'disabled', caret: 'hide', scale: 'css' });

    await e2e.reset();
    simulator.scriptWidget(DEMO_IDS.loginRequired, 'provider-failure', { reason: 'OTHER' });
    const again = await e2e.open();
    const harborAgain = card(again, DEMO_IDS.loginRequired);
    await harborAgain.getByRole('button', { name: 'Reconnect' }).click();
    await signIn(await widgetFrame(again, simulator.widgetOrigin));
    await expectAttribute(banner(harborAgain), 'data-state', 'still-broken');
    await widgetDialog(again).waitFor({ state: 'detached' });
    await again.mouse.move(0, 0);
    await harborAgain.screenshot({ path: join(images, 'still-broken.png'), animations: 'disabled', caret: 'hide', scale: 'css' });
  });

  it('the Outbox on a fixed morning, and the landing a repair link opens', async () => {
    const link = await harborLinkOnAFixedMorning();
    const page = await e2e.open();
    await page.getByRole('button', { name: /^Outbox/ }).click();
    await page.getByTestId('outbox-due').waitFor();
    await page.mouse.move(0, 0);
    await page.locator('.demo-outbox').screenshot({ path: join(images, 'outbox.png'), animations: 'disabled', caret: 'hide', scale: 'css' });

    await page.goto(link);
    const landing = page.locator('[data-slot="repair-landing"]');
    await expectAttribute(landing, 'data-state', 'ready');
    await landing.locator('[data-slot="repair-landing-prompt"]').waitFor();
    await shoot(page, 'landing');
  });

  it('mobile width', async () => {
    const page = await e2e.open({ viewport: { width: 390, height: 844 } });
    await promptsShown(page);
    await shoot(page, 'mobile');
  });
});
