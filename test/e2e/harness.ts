// What every end-to-end file needs: the demo stack (simulator, backend, app;
// demo/launch.mjs, the same as `npm start`) and Debian's Chromium driven by
// Playwright (never a downloaded browser), with helpers that read like the
// customer's steps.
import { chromium, type Browser, type BrowserContext, type Frame, type Locator, type Page } from 'playwright';
import { expect } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs';
import { startDemo, type Demo, type StartDemoOptions } from '../../demo/launch.mjs';

export interface E2E {
  demo: Demo;
  browser: Browser;
  /** A fresh context (no storage, no dismissals) and a page on the demo, ready: cards shown, live stream open. */
  open(options?: OpenOptions): Promise<Page>;
  /** Closes the pages of the last test, then puts the demo back to its known state (simulator.reset and the backend's). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Query string settings of the demo: `widget=popup`, `theme=dark`, `tab=attention`. */
  query?: Record<string, string> | undefined;
  viewport?: { width: number; height: number } | undefined;
}

export async function startE2E(options: StartDemoOptions = {}): Promise<E2E> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium: install Debian\'s `chromium` package or set CHROMIUM_PATH (npm test does it). The tests never download a browser.');
  // Port 0: never the 5173 a developer's `npm start` may hold.
  const demo = await startDemo({ port: 0, cacheDir: 'demo-e2e', ...options });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    await demo.close();
    throw error;
  }
  const contexts = new Set<BrowserContext>();
  return {
    demo,
    browser,
    async reset() {
      await Promise.all([...contexts].map((c) => c.close()));
      contexts.clear();
      demo.reset();
    },
    async open({ query = {}, viewport = { width: 1280, height: 900 } } = {}) {
      // Earlier pages go first: their streams must not hold the customer's stream slots.
      await Promise.all([...contexts].map((c) => c.close()));
      contexts.clear();
      const context = await browser.newContext({ viewport, reducedMotion: 'reduce', colorScheme: 'light', locale: 'en-US', timezoneId: 'UTC' });
      contexts.add(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      (page as Page & { errors: string[] }).errors = errors;
      const url = new URL(demo.url);
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      await page.goto(url.href);
      await page.locator('[data-connection-id], [data-slot="health-list"]').first().waitFor();
      await page.locator('.demo-live[data-live="open"]').waitFor();
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
      await demo.close();
    },
  };
}

/** Errors the page threw (uncaught), collected since `open`. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

export const card = (page: Page, connectionId: string): Locator => page.locator(`[data-connection-id="${connectionId}"]`);
export const banner = (scope: Locator): Locator => scope.locator('[data-slot="banner"]');
export const badge = (scope: Locator): Locator => scope.locator('[data-slot="status-badge"]');
export const widgetDialog = (page: Page): Locator => page.locator('dialog[data-slot="widget-dialog"]');
export const widgetFrameElement = (page: Page): Locator => page.locator('[data-slot="widget-frame"]');

/**
 * The widget's iframe as a frame, once it has loaded the simulator's page: in
 * the dialog, or (given `element`, e.g. `popup.locator('iframe')`) in popup mode's relay page.
 */
export async function widgetFrame(page: Page, widgetOrigin: string, element: Locator = widgetFrameElement(page)): Promise<Frame> {
  await element.waitFor();
  const handle = await element.elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the widget dialog has no frame');
  await expect.poll(() => frame.url(), { timeout: 10_000 }).toMatch(new RegExp(`^${widgetOrigin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
  await frame.waitForLoadState('domcontentloaded');
  return frame;
}

/** Waits for an attribute to reach a value (Playwright's own `expect` belongs to its test runner). */
export async function expectAttribute(locator: Locator, name: string, value: string | RegExp, timeout = 10_000): Promise<void> {
  await expect
    .poll(() => locator.getAttribute(name, { timeout: 1_000 }).catch(() => null), { timeout, interval: 50 })
    .toMatch(value instanceof RegExp ? value : new RegExp(`^${value}$`));
}

export async function expectText(locator: Locator, text: string | RegExp, timeout = 10_000): Promise<void> {
  await expect
    .poll(() => locator.textContent({ timeout: 1_000 }).catch(() => null), { timeout, interval: 50 })
    .toMatch(typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text);
}

export async function expectGone(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.waitFor({ state: 'detached', timeout });
}

/** The customer at the bank's login in Meld's widget (the simulator's page, in a frame or a popup). */
export async function signIn(widget: Frame | Page, username = 'alex', password = 'correct horse'): Promise<void> {
  await widget.getByLabel('Username').fill(username);
  await widget.getByLabel('Password').fill(password);
  await widget.getByRole('button', { name: 'Sign in' }).click();
}
