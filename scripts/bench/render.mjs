#!/usr/bin/env node
// Render benchmark (a benchmark, not a test; not part of `npm test`).
//
// Builds scripts/bench/render-page with Vite (production mode, so React's
// production build), serves it on 127.0.0.1, and drives Debian's Chromium with
// Playwright (never a downloaded browser). The page times, with
// performance.now():
//   - mounting 1,000 ReconnectBanners (RECONNECT_REQUIRED + LOGIN_REQUIRED
//     connections in Meld's full shape, `successfullyAggregatedAt` included,
//     passed as objects, one provider, a host API that is never called) vs
//     1,000 plain <div role="status"> with the same message:
//     flushSync(root.render) + a forced layout ("mount"), and until the work the
//     mount scheduled has run ("settled");
//   - one pushed status change among the 1,000 (applyStatusChange), until the
//     DOM changed, vs a setState in one of 1,000 plain item components.
// One warm-up run, then 9 measured runs; prints median and p90 of each, the
// ratio of those medians, and the median of the pairwise ratios (run i's
// banner time / run i's div time, i over the measured runs: issue 11's
// figure, at most 3x), and writes bench/results/render.json.
//
//   node scripts/bench/render.mjs [--runs 9] [--count 1000]
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium } from 'playwright';
import { build } from 'vite';
import { CHROMIUM_ARGS } from '../chromium.mjs';
import { benchChromium, machine, option, quantile, QUANTILES } from './common.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pageDir = join(root, 'scripts/bench/render-page');
const resultsFile = join(root, 'bench/results/render.json');

const options = { count: option('count', 1000), runs: option('runs', 9), warmups: 1 };

const stats = (samples) => ({ median: quantile(samples, 0.5), p90: quantile(samples, 0.9), min: Math.min(...samples), max: Math.max(...samples), samples });
/** Run i's banner time / run i's div time, for each measured run i. */
const pairwise = (banner, div) => banner.map((b, i) => b / div[i]);

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

function serve(dir) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname));
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function bundle(outDir) {
  const started = performance.now();
  await build({
    configFile: false,
    root: pageDir,
    base: './',
    mode: 'production',
    logLevel: 'error',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
  // React's development build has this function; the production build does not.
  const assets = join(outDir, 'assets');
  const js = await Promise.all((await readdir(assets)).filter((f) => f.endsWith('.js')).map((f) => readFile(join(assets, f), 'utf8')));
  if (js.some((code) => code.includes('validateDOMNesting'))) throw new Error('the page bundled React\'s development build');
  return { seconds: (performance.now() - started) / 1000, chunks: js.length };
}

const executablePath = benchChromium();

const startedAt = performance.now();
const run = machine();
const loadBefore = run.loadBefore;
const outDir = await mkdtemp(join(tmpdir(), 'mrk-render-bench-'));
let server;
let browser;
try {
  const built = await bundle(outDir);
  console.log(`built the page with Vite (production) in ${built.seconds.toFixed(1)} s, ${built.chunks} JS chunks`);
  server = await serve(outDir);
  browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') pageErrors.push(message.text());
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => typeof window.runRenderBench === 'function');
  const raw = await page.evaluate((opts) => window.runRenderBench(opts), options);
  if (pageErrors.length > 0) throw new Error(`the page reported:\n${pageErrors.join('\n')}`);
  if (raw.hostCalls !== 0) throw new Error(`the page called the host API ${raw.hostCalls} times`);
  if (raw.bannersAtCommit.some((n) => n !== options.count)) {
    throw new Error(`a measured mount committed ${raw.bannersAtCommit.join(', ')} banners instead of ${options.count}: the numbers would not measure banners`);
  }
  if (options.runs < 7) console.warn(`only ${options.runs} measured runs: issue 11's figure is the median of at least 7`);
  if (raw.sampleText.banner !== raw.sampleText.div) throw new Error(`banner and div text differ: "${raw.sampleText.banner}" vs "${raw.sampleText.div}"`);

  const result = {
    benchmark: 'render',
    date: new Date().toISOString(),
    environment: run.finish(browser.version(), { gcBetweenRuns: raw.gcBetweenRuns }),
    options: { ...options, quantiles: QUANTILES },
    text: raw.sampleText.div,
    lastUpdatedText: raw.lastUpdatedText,
    connectionShape: raw.sampleConnection,
    mount: { div: stats(raw.mount.div), banner: stats(raw.mount.banner), markup: stats(raw.mount.markup) },
    settled: { div: stats(raw.settled.div), banner: stats(raw.settled.banner), markup: stats(raw.settled.markup) },
    push: { div: stats(raw.push.div), banner: stats(raw.push.banner) },
    warmup: raw.warmup,
  };
  result.ratio = {
    mount: { median: result.mount.banner.median / result.mount.div.median, p90: result.mount.banner.p90 / result.mount.div.p90 },
    settled: { median: result.settled.banner.median / result.settled.div.median, p90: result.settled.banner.p90 / result.settled.div.p90 },
  };
  // Issue 11's figure: the median of the pairwise ratios (each run's banner and div were measured back to back).
  result.pairwiseRatio = {
    mount: stats(pairwise(raw.mount.banner, raw.mount.div)),
    settled: stats(pairwise(raw.settled.banner, raw.settled.div)),
  };
  // What the banner's DOM alone costs (static JSX of the same HTML), and what the kit adds on top of it.
  result.markupRatio = {
    markupOverDiv: stats(pairwise(raw.mount.markup, raw.mount.div)),
    bannerOverMarkup: stats(pairwise(raw.mount.banner, raw.mount.markup)),
  };

  const ms = (n) => n.toFixed(2).padStart(9);
  const row = (label, s) => console.log(`  ${label.padEnd(52)}${ms(s.median)}${ms(s.p90)}`);
  console.log(`\nbanners' connections: Meld's full shape (${Object.keys(raw.sampleConnection).length} fields), e.g. successfullyAggregatedAt ${raw.sampleConnection.successfullyAggregatedAt}; the banner says "${raw.sampleText.banner}" ${raw.lastUpdatedText ? `+ "${raw.lastUpdatedText}"` : '(no "Last updated" line)'}`);
  console.log(`\n${options.count.toLocaleString('en')} items; ${options.warmups} warm-up run, then ${options.runs} runs; ms (Chromium ${result.environment.chromium}, load average ${loadBefore.toFixed(1)} on ${cpus().length} CPUs)`);
  console.log(`  ${''.padEnd(52)}${'median'.padStart(9)}${'p90'.padStart(9)}`);
  console.log('  mount: render + commit + forced layout');
  row(`  ${options.count} <div role="status">`, result.mount.div);
  row(`  ${options.count} ReconnectBanner`, result.mount.banner);
  console.log(`  ${'    ratio banner / div'.padEnd(52)}${result.ratio.mount.median.toFixed(1).padStart(8)}x${result.ratio.mount.p90.toFixed(1).padStart(8)}x`);
  console.log(`  ${'    pairwise ratios (run i banner / run i div)'.padEnd(52)}${result.pairwiseRatio.mount.median.toFixed(1).padStart(8)}x${result.pairwiseRatio.mount.p90.toFixed(1).padStart(8)}x`);
  row(`  ${options.count} static copies of a banner's HTML`, result.mount.markup);
  console.log(`  ${'    pairwise: banner HTML alone / div'.padEnd(52)}${result.markupRatio.markupOverDiv.median.toFixed(1).padStart(8)}x${result.markupRatio.markupOverDiv.p90.toFixed(1).padStart(8)}x`);
  console.log(`  ${'    pairwise: ReconnectBanner / its HTML alone'.padEnd(52)}${result.markupRatio.bannerOverMarkup.median.toFixed(1).padStart(8)}x${result.markupRatio.bannerOverMarkup.p90.toFixed(1).padStart(8)}x`);
  console.log('  until settled (work the mount scheduled has run)');
  row(`  ${options.count} <div role="status">`, result.settled.div);
  row(`  ${options.count} ReconnectBanner`, result.settled.banner);
  console.log(`  ${'    ratio banner / div'.padEnd(52)}${result.ratio.settled.median.toFixed(1).padStart(8)}x${result.ratio.settled.p90.toFixed(1).padStart(8)}x`);
  console.log(`  ${'    pairwise ratios (run i banner / run i div)'.padEnd(52)}${result.pairwiseRatio.settled.median.toFixed(1).padStart(8)}x${result.pairwiseRatio.settled.p90.toFixed(1).padStart(8)}x`);
  console.log(`  one status change among ${options.count}, to the DOM update`);
  row('    setState in one plain item', result.push.div);
  row('    applyStatusChange -> its banner hides', result.push.banner);

  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${resultsFile.slice(root.length)} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
} finally {
  await browser?.close();
  server?.close();
  await rm(outDir, { recursive: true, force: true });
}
