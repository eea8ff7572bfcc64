#!/usr/bin/env node
// Flow benchmarks through the whole demo stack (benchmarks, not tests; not
// part of `npm test`). Starts the demo in this process (demo/launch.mjs, the
// app bundled once in production mode), drives Debian's Chromium with
// Playwright (never a downloaded browser), and measures:
//
//   click-to-widget: a click on "Reconnect" until Meld's widget (the
//     simulator's page, on its own origin) has loaded and posted `init`, in
//     dialog and popup mode, minus the time the host's repair POST took
//     (resource timing of POST /api/meld/connections/:id/repair, as the page
//     saw it). What is left is the kit's own cost plus the widget page's load.
//     One fresh page load per run (so every click asks for a new session).
//   webhook-to-screen: simulator.setStatus() -> signed webhook ->
//     createWebhookHandler -> event bus -> SSE -> useConnectionEvents -> the
//     banner appears (or goes), timed with one clock: Node's, with the page's
//     clock offset measured by round trips.
//
// Prints median/p90 (click) and p50/p99 (webhook) and writes bench/results/flow.json.
//
//   node scripts/bench/flow.mjs [--clicks 30] [--changes 200]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { startDemo } from '../../demo/launch.mjs';
import { CHROMIUM_ARGS } from '../chromium.mjs';
import { benchChromium, machine, option, quantile, QUANTILES } from './common.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const resultsFile = join(root, 'bench/results/flow.json');

const options = { clicks: option('clicks', 30), changes: option('changes', 200), clickWarmups: 2, changeWarmups: 10 };

const round = (n) => Math.round(n * 100) / 100;
const stats = (samples) => ({
  n: samples.length,
  median: round(quantile(samples, 0.5)),
  p90: round(quantile(samples, 0.9)),
  p99: round(quantile(samples, 0.99)),
  min: round(Math.min(...samples)),
  max: round(Math.max(...samples)),
});

const executablePath = benchChromium();

// In the page, before the app: timestamps of the click, the widget's frame or
// window, its load and its `init` message; and a way to wait for a card's banner.
function instrument(widgetOrigin) {
  const bench = { click: 0, opened: 0, navigated: 0, loaded: 0, init: 0 };
  window.__bench = bench;
  window.__benchReset = () => Object.assign(bench, { click: 0, opened: 0, navigated: 0, loaded: 0, init: 0 });
  document.addEventListener('click', () => { if (!bench.click) bench.click = performance.now(); }, true);
  window.addEventListener('message', (event) => {
    if (event.origin !== widgetOrigin || bench.init) return;
    const data = typeof event.data === 'string' ? (() => { try { return JSON.parse(event.data); } catch { return null; } })() : event.data;
    if (data && data.domain === 'meld-connect' && data.eventName === 'init') bench.init = performance.now();
  });
  // Dialog mode: the frame gets its src once the repair session is back.
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        const frame = node instanceof Element ? node.querySelector('iframe[data-slot="widget-frame"]') : null;
        if (!frame) continue;
        bench.navigated = performance.now();
        frame.addEventListener('load', () => { bench.loaded = performance.now(); }, { once: true });
      }
    }
  }).observe(document, { childList: true, subtree: true }); // the init script runs before <html> exists
  // Popup mode: the window opens blank in the click and loads the kit's relay
  // page (this origin) at once; the relay's first word on its channel marks it
  // up, and the widget's `init` reaches the page through that channel.
  const open = window.open.bind(window);
  window.open = (...args) => {
    bench.opened = performance.now();
    return open(...args);
  };
  const Channel = window.BroadcastChannel;
  window.BroadcastChannel = class extends Channel {
    constructor(name) {
      super(name);
      if (!String(name).startsWith('meld-reconnect-kit:widget-relay:')) return;
      this.addEventListener('message', (event) => {
        const message = event.data;
        if (!message || message.from !== 'relay') return;
        if (!bench.navigated) bench.navigated = performance.now();
        if (message.type !== 'message' || bench.init) return;
        const data = typeof message.data === 'string' ? (() => { try { return JSON.parse(message.data); } catch { return null; } })() : message.data;
        if (data && data.domain === 'meld-connect' && data.eventName === 'init') bench.init = performance.now();
      });
    }
  };
  // Resolves with the epoch time (page clock) at which `connectionId`'s banner is shown (or gone).
  window.__waitForBanner = (connectionId, present) =>
    new Promise((resolve) => {
      const matches = () => Boolean(document.querySelector(`[data-connection-id="${connectionId}"] [data-slot="banner"]`)) === present;
      if (matches()) return resolve(performance.timeOrigin + performance.now());
      const observer = new MutationObserver(() => {
        if (!matches()) return;
        observer.disconnect();
        resolve(performance.timeOrigin + performance.now());
      });
      observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    });
}

async function measureClicks(browser, demo, mode, runs, warmups) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(instrument, demo.simulator.widgetOrigin);
  const page = await context.newPage();
  const samples = [];
  for (let i = 0; i < warmups + runs; i += 1) {
    demo.reset();
    await page.goto(`${demo.url}?widget=${mode}`);
    const harbor = page.locator(`[data-connection-id="${demo.ids.loginRequired}"]`);
    await harbor.getByRole('button', { name: 'Reconnect' }).waitFor();
    await page.locator('.demo-live[data-live="open"]').waitFor();
    await page.waitForTimeout(300); // lets the prompt's preload of the launcher finish, as a reading customer would
    await page.evaluate(() => window.__benchReset());
    const popupEvent = mode === 'popup' ? page.waitForEvent('popup') : undefined;
    await harbor.getByRole('button', { name: 'Reconnect' }).click();
    await page.waitForFunction(() => window.__bench.init > 0 && window.__bench.navigated > 0, null, { timeout: 15_000, polling: 'raf' }).catch(async (error) => {
      throw new Error(`${mode} run ${i}: the widget did not load (${JSON.stringify(await page.evaluate(() => window.__bench))}): ${error.message}`);
    });
    const raw = await page.evaluate(() => {
      const repair = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/repair')).at(-1);
      const { click, opened, navigated, loaded, init } = window.__bench;
      return { click, opened, navigated, loaded, init, repairStart: repair?.startTime, repairEnd: repair?.responseEnd };
    });
    const popup = await popupEvent;
    await popup?.close();
    if (raw.repairEnd === undefined) throw new Error('no resource timing for the repair POST');
    const host = raw.repairEnd - raw.repairStart;
    const sample = {
      toWidget: raw.init - raw.click,
      host,
      beyondHost: raw.init - raw.click - host,
      serverRepairMs: demo.requests().find((r) => r.method === 'POST' && r.path.endsWith('/repair'))?.ms,
      ...(mode === 'dialog'
        ? // The frame gets the widget's URL when the kit builds the dialog: before that it is the kit's work.
          { kitUntilUrl: raw.navigated - raw.click - host, afterUrl: raw.init - raw.navigated }
        : // The window opens inside the click (popup blockers) and loads the relay while the repair POST runs.
          { windowOpened: raw.opened - raw.click, relayUp: raw.navigated - raw.click }),
    };
    if (i >= warmups) samples.push(sample);
  }
  await context.close();
  const pick = (key) => stats(samples.map((s) => s[key]).filter((v) => typeof v === 'number'));
  const common = { runs, toWidget: pick('toWidget'), host: pick('host'), beyondHost: pick('beyondHost'), hostServerSide: pick('serverRepairMs') };
  return mode === 'dialog'
    ? { ...common, kitUntilUrl: pick('kitUntilUrl'), afterUrl: pick('afterUrl') }
    : { ...common, windowOpened: pick('windowOpened'), relayUp: pick('relayUp') };
}

/** The page clock minus Node's, from the round trips with the smallest delay. */
async function clockOffset(page) {
  const trips = [];
  for (let i = 0; i < 25; i += 1) {
    const sent = performance.timeOrigin + performance.now();
    const there = await page.evaluate(() => performance.timeOrigin + performance.now());
    const back = performance.timeOrigin + performance.now();
    trips.push({ rtt: back - sent, offset: there - (sent + back) / 2 });
  }
  trips.sort((a, b) => a.rtt - b.rtt);
  const best = trips.slice(0, 5);
  return { offset: quantile(best.map((t) => t.offset), 0.5), rtt: best[0].rtt };
}

async function measureWebhooks(browser, demo, changes, warmups) {
  demo.reset();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(instrument, demo.simulator.widgetOrigin);
  const page = await context.newPage();
  await page.goto(demo.url);
  await page.locator(`[data-connection-id="${demo.ids.healthy}"]`).waitFor();
  await page.locator('.demo-live[data-live="open"]').waitFor();
  const clock = await clockOffset(page);
  const id = demo.ids.healthy;
  const shown = [];
  const hidden = [];
  const delivered = [];
  for (let i = 0; i < warmups + changes; i += 1) {
    const breaking = i % 2 === 0;
    await page.evaluate(([cid, present]) => { window.__bannerAt = window.__waitForBanner(cid, present); }, [id, breaking]);
    const started = performance.timeOrigin + performance.now();
    const delivery = breaking
      ? await demo.simulator.setStatus(id, 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')
      : await demo.simulator.setStatus(id, 'ACTIVE', null);
    if (delivery.state !== 'delivered') throw new Error(`webhook ${delivery.state}: ${delivery.error ?? delivery.status}`);
    const at = await page.evaluate(() => window.__bannerAt);
    const latency = at - clock.offset - started;
    if (i >= warmups) {
      (breaking ? shown : hidden).push(latency);
      delivered.push(delivery.ms ?? NaN);
    }
  }
  const after = await clockOffset(page);
  await context.close();
  return {
    changes,
    all: stats([...shown, ...hidden]),
    bannerShown: stats(shown),
    bannerHidden: stats(hidden),
    webhookAnswered: stats(delivered.filter(Number.isFinite)),
    clock: { offsetMs: round(clock.offset), driftMs: round(after.offset - clock.offset), bestRoundTripMs: round(clock.rtt) },
  };
}

const startedAt = performance.now();
const run = machine();
let demo;
let browser;
try {
  demo = await startDemo({ port: 0, app: 'build', repairRateLimit: false, cacheDir: 'demo-bench' });
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  console.log(`demo up (production build) at ${demo.url}; Chromium ${browser.version()}`);

  const dialog = await measureClicks(browser, demo, 'dialog', options.clicks, options.clickWarmups);
  const popup = await measureClicks(browser, demo, 'popup', options.clicks, options.clickWarmups);
  const webhook = await measureWebhooks(browser, demo, options.changes, options.changeWarmups);

  const result = {
    benchmark: 'flow',
    date: new Date().toISOString(),
    environment: run.finish(browser.version(), { app: 'demo, Vite production build' }),
    options: { ...options, quantiles: QUANTILES },
    clickToWidget: { dialog, popup },
    webhookToScreen: webhook,
  };

  const ms = (n) => n.toFixed(1).padStart(8);
  const row = (label, s, a = 'median', b = 'p90') => console.log(`  ${label.padEnd(58)}${ms(s[a])}${ms(s[b])}`);
  console.log(`\nclick-to-widget: click on Reconnect -> the widget's page loaded and posted init; ${options.clicks} runs per mode, ms`);
  console.log(`  ${''.padEnd(58)}${'median'.padStart(8)}${'p90'.padStart(8)}`);
  for (const [mode, r] of Object.entries({ dialog, popup })) {
    console.log(`  ${mode}`);
    row('  click -> widget loaded (total)', r.toWidget);
    row('  host repair POST, as the page saw it', r.host);
    row('  beyond the host: total - repair POST', r.beyondHost);
    if (mode === 'dialog') {
      row('    the kit, until the frame has the widget URL', r.kitUntilUrl);
      row('    the widget page loading in the frame', r.afterUrl);
    } else {
      row('    (blank window opened, after the click)', r.windowOpened);
      row('    the relay page up, after the click', r.relayUp);
    }
  }
  console.log(`\nwebhook-to-screen: simulator.setStatus -> banner shown/gone in the open page; ${options.changes} changes, ms`);
  console.log(`  ${''.padEnd(58)}${'p50'.padStart(8)}${'p99'.padStart(8)}`);
  row('all changes', webhook.all, 'median', 'p99');
  row('  banner appears (ACTIVE -> RECONNECT_REQUIRED)', webhook.bannerShown, 'median', 'p99');
  row('  banner goes (RECONNECT_REQUIRED -> ACTIVE)', webhook.bannerHidden, 'median', 'p99');
  row('  webhook answered by the demo backend', webhook.webhookAnswered, 'median', 'p99');
  console.log(`  (page clock offset ${webhook.clock.offsetMs} ms, drift ${webhook.clock.driftMs} ms over the run, best round trip ${webhook.clock.bestRoundTripMs} ms)`);

  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${resultsFile.slice(root.length)} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
} finally {
  await browser?.close();
  await demo?.close();
}
