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

  it('mobile width', async () => {
    const page = await e2e.open({ viewport: { width: 390, height: 844 } });
    await promptsShown(page);
    await shoot(page, 'mobile');
  });
});
