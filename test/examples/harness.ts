// What the example-app tests share: running commands, starting an example the
// way its README says (`npm start`: the app and the kit's Meld simulator),
// playing Meld through the simulator's control API, and Debian's Chromium
// driven by Playwright (never a downloaded browser) through a repair.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright';
import { expect } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const exampleDir = (name: string): string => join(repo, 'examples', name);

/**
 * The environment a developer's shell would give the example: without what
 * Vitest adds (NODE_ENV=test makes Next.js warn; VITEST* changes how tools behave).
 */
export function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name !== 'NODE_ENV' && !name.startsWith('VITEST') && name !== 'TEST') env[name] = value;
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
}

export interface CommandResult {
  code: number | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
}

/** Runs a command to its end (never throws for a non-zero exit: the caller asserts). */
export function runCommand(cmd: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: shellEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Throws with the command's output when it failed. */
export async function mustRun(cmd: string, args: readonly string[], options: Parameters<typeof runCommand>[2]): Promise<string> {
  const result = await runCommand(cmd, args, options);
  if (result.code !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` in ${options.cwd} ended with ${String(result.code)}:\n${result.output}`);
  return result.output;
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningExample {
  url: string;
  /** The simulator's Meld API and widget page, on the ports the harness gave it. */
  simulatorUrl: string;
  widgetOrigin: string;
  /** Everything the app's process printed so far (stdout and stderr). */
  logs(): string;
  /** What it printed to stderr only. */
  errorLogs(): string;
  stop(): Promise<void>;
}

/**
 * Starts an example as `npm start` does (`node <script> ...args` in its
 * folder), with free ports for the app and the simulator, and waits until its
 * page answers.
 */
export async function startExample(cwd: string, script: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunningExample> {
  const [port, simPort, widgetPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, script, {
    cwd,
    // Its own process group: stop() ends the app and anything it started (Next's server).
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...shellEnv(env), NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', MELD_SIM_PORT: String(simPort), MELD_SIM_WIDGET_PORT: String(widgetPort) },
  });
  let all = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (all += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    all += chunk.toString();
    errors += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the example stopped before answering (exit ${child.exitCode}):\n${all}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the example did not answer ${url} within 60 s:\n${all}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    simulatorUrl: `http://127.0.0.1:${simPort}`,
    widgetOrigin: `http://127.0.0.1:${widgetPort}`,
    logs: () => all,
    errorLogs: () => errors,
    stop,
  };
}

/** Meld changes a connection's status: the simulator's control API (`simulator.setStatus`), which sends the signed webhook. */
export async function setStatus(app: RunningExample, connectionId: string, status: string, statusReason: string | null): Promise<void> {
  const response = await fetch(`${app.simulatorUrl}/__sim/connections/${connectionId}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status, statusReason }),
  });
  expect(response.status).toBe(200);
  const { webhook } = (await response.json()) as { webhook: { state: string; status?: number } };
  // The app's webhook route verified the signature and took it.
  expect(webhook).toMatchObject({ state: 'delivered', status: 200 });
}

export async function simulatedConnection(app: RunningExample, connectionId: string): Promise<{ status: string; statusReason: string | null }> {
  const response = await fetch(`${app.simulatorUrl}/__sim/connections/${connectionId}`);
  const { connection } = (await response.json()) as { connection: { status: string; statusReason: string | null } };
  return connection;
}

export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("No Chromium: install Debian's `chromium` package or set CHROMIUM_PATH (npm test does it). The tests never download a browser.");
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  page: Page;
  /** Uncaught errors in the page. */
  pageErrors: string[];
  /** console.error calls: React reports hydration mismatches there. */
  consoleErrors: string[];
  /** Requests the page made that failed or answered 4xx/5xx, as `status url`. */
  failedRequests: string[];
}

export async function openPage(browser: Browser, url: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const watched: WatchedPage = { page, pageErrors: [], consoleErrors: [], failedRequests: [] };
  page.on('response', (response) => {
    if (response.status() >= 400) watched.failedRequests.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    // Closing the page ends the live stream: not a failure.
    if (!new URL(request.url()).pathname.endsWith('/events')) watched.failedRequests.push(`${request.failure()?.errorText ?? 'failed'} ${request.url()}`);
  });
  page.on('pageerror', (error) => watched.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.consoleErrors.push(message.text());
  });
  await page.goto(url);
  return watched;
}

async function expectAttribute(page: Page, selector: string, name: string, value: string, timeout = 15_000): Promise<void> {
  await expect
    .poll(() => page.locator(selector).getAttribute(name, { timeout: 1_000 }).catch(() => null), { timeout, interval: 50 })
    .toBe(value);
}

/**
 * The customer's side of a repair, on a page already showing `connectionId`
 * healthy: Meld breaks it, the banner arrives live (no reload), Reconnect,
 * sign in at the bank inside Meld's widget, verified, Connected.
 */
export async function breakAndRepair(app: RunningExample, { page }: WatchedPage, connectionId: string): Promise<void> {
  const card = `[data-connection-id="${connectionId}"]`;
  await expectAttribute(page, `${card} [data-slot="status-badge"]`, 'data-state', 'none');
  await expectAttribute(page, '[data-live]', 'data-live', 'open');
  // A reload would lose this: the banner must come over the live stream.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

  await setStatus(app, connectionId, 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED');
  await expectAttribute(page, `${card} [data-slot="banner"]`, 'data-state', 'reconnect');
  await expectAttribute(page, `${card} [data-slot="status-badge"]`, 'data-state', 'reconnect');

  await page.locator(card).getByRole('button', { name: 'Reconnect' }).click();
  const frameElement = page.locator('dialog[data-slot="widget-dialog"] [data-slot="widget-frame"]');
  await frameElement.waitFor({ timeout: 15_000 });
  expect(new URL((await frameElement.getAttribute('src')) ?? '').origin).toBe(app.widgetOrigin);
  const frame = await (await frameElement.elementHandle())?.contentFrame();
  if (!frame) throw new Error('the widget dialog has no frame');
  await expect.poll(() => frame.url(), { timeout: 10_000 }).toMatch(new RegExp(`^${app.widgetOrigin}/`));
  await frame.getByLabel('Username').fill('alex');
  await frame.getByLabel('Password').fill('correct horse');
  await frame.getByRole('button', { name: 'Sign in' }).click();

  await expectAttribute(page, `${card} [data-slot="banner"]`, 'data-state', 'verified');
  await expectAttribute(page, `${card} [data-slot="status-badge"]`, 'data-state', 'none');
  await expect.poll(() => page.locator(`${card} [data-slot="status-badge"]`).textContent()).toContain('Connected');
  expect(await page.evaluate(() => (window as Window & { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  expect(await simulatedConnection(app, connectionId)).toMatchObject({ status: 'ACTIVE' });
}

/**
 * First Load JS as Next.js once printed it: the scripts the page's HTML loads
 * (script tags and script preloads), each gzipped, summed (bytes). A noModule
 * polyfill never runs in a browser that loads the rest: left out.
 */
export async function firstLoadJs(pageUrl: string): Promise<{ bytes: number; scripts: number }> {
  const html = await (await fetch(pageUrl)).text();
  const sources = new Set<string>();
  for (const [, attributes = ''] of html.matchAll(/<script\b([^>]*)>/gi)) {
    const src = /\ssrc="([^"]+)"/i.exec(attributes)?.[1];
    if (src && !/\snomodule\b/i.test(attributes)) sources.add(src);
  }
  for (const [, attributes = ''] of html.matchAll(/<link\b([^>]*)>/gi)) {
    const href = /\shref="([^"]+)"/i.exec(attributes)?.[1];
    if (href && /rel="modulepreload"|as="script"/i.test(attributes)) sources.add(href);
  }
  let bytes = 0;
  for (const src of sources) {
    const body = Buffer.from(await (await fetch(new URL(src, pageUrl))).arrayBuffer());
    bytes += gzipSync(body).byteLength;
  }
  return { bytes, scripts: sources.size };
}

/** Lines a server printed that report an error (its own onError, Next's ⨯, an uncaught stack). */
export function serverErrorLines(logs: string): string[] {
  return logs.split('\n').filter((line) => /⨯|\berror\b|Error:|ERR_|Unhandled|\[meld/i.test(line));
}
