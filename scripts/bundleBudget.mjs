#!/usr/bin/env node
// Bundle split budget (a budget, checked by `npm test` after the build; also in `npm run bench`).
//
// Measures the kit as a host's Vite build splits it, through the package's
// built output: `npm run build`, `npm pack`, the tarball unpacked into a
// scratch app's node_modules (as `npm install ./meld-reconnect-kit-x.tgz`
// would), then Vite 8's programmatic `build()` in production mode with
// @vitejs/plugin-react. The peers (react, react-dom, @tanstack/react-query)
// are the host's own and stay external, so only the kit's code and the app's
// few lines are counted. Each output chunk is gzipped alone (zlib level 9).
//
// Apps measured:
//   banner  `import { ReconnectKitProvider, ReconnectBanner } from 'meld-reconnect-kit'`
//           rendering <ReconnectKitProvider baseUrl="/api"><ReconnectBanner connectionId="c1" /></ReconnectKitProvider>
//   core    `import { getStatusDecision, isOperationAllowed } from 'meld-reconnect-kit/core'`
//   landing the banner app plus <RepairLinkLanding />, as a host's dashboard that repair links point at
//
// Figures:
//   entry static closure   the entry chunk plus every chunk it imports statically, transitively
//   everything reachable   that closure plus every chunk reachable through `import()`, transitively:
//                          an upper bound of what a page with a due prompt loads (the dynamic chunks
//                          are listed one by one with their modules, to tell which a due prompt needs)
//   core decisions         the core app's entry static closure
//   landing entry          the landing app's entry static closure, which must hold neither the
//                          landing's own view (it loads once the address has a link) nor the widget flow
//
// Prints a table, writes bench/results/bundles.json, exits 1 when a figure is over its limit.
//
//   node scripts/bundleBudget.mjs [--no-build] [--keep]
//     --no-build  use dist/ as it is (skips `npm run build`)
//     --keep      keep the scratch apps (their Vite output is in <scratch>/<app>/dist)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

// Limits, in bytes of gzip, each chunk gzipped alone and the sizes summed
// (1 kB = 1,000 bytes, as size-limit counts). Issue 11's targets:
//   entry static closure of provider + ReconnectBanner   6 kB (filed at 7.9 kB): enforced
//   everything a page with a due prompt loads            12 kB (filed at 20.3 kB): NOT met. The
//     enforced budget is what 0.2 measures plus a little room, so it cannot grow unnoticed; the
//     engine (one shared store per connection, with its table and transitions) is most of the
//     live view's chunk. See the closing note of issue 11.
//   core decisions (getStatusDecision, isOperationAllowed) 1.5 kB: enforced
// 0.2 after issues 12 and 13: popup mode's relay link (about 0.6 kB, in the launcher's chunk) and the
// Meld events the browser applies (re-read statuses, "last updated"; about 0.2 kB) raised the last two
// limits by 0.5 kB each (24.0 -> 24.5, 24.5 -> 25.0).
// 0.2 after issue 15 (part 1): the renewal date in the prompts ("Renew by 12 March") and the
// renewal-due prompt state cost about 0.35 kB (0.10 in the entry's gate, which must know a renewal
// is due to load the live view; 0.25 in the live view: its catalog lines, state and date text).
// getRenewal itself stays out: the host passes it in. The upper bound went over by 0.07 kB and was
// raised by 0.1 kB (25.0 -> 25.1); the other limits are unchanged and still met.
// "A page with a due prompt" is the entry, the prompt's live view, and the host client (the banner
// here reads its connection by id); the launcher loads on the customer's intent and is counted in
// "after the click", the cross-tab handler (on a message) only in the upper bound.
// 0.2 after issue 15 (part 2, repair links in the browser): main measured 18.48, 24.52 and 25.12 kB
// here for the due prompt page, after the click and the upper bound (the last two already over by
// 0.02). Repair links add 0.25 to 0.27 kB to each: the host client's redeemRepairLink, its answer's
// check and the invalid-link kind (0.14, in the host client's chunk), the lazy client's method, the
// counter of pushed changes a redemption compares and the prompt gate's "when hidden" content (0.07,
// entry), PromptView's share of it (0.04), the push counter in applyStatusChange (0.02). Raised by
// 0.35 kB each (18.5 -> 18.85, 24.5 -> 24.85, 25.1 -> 25.45); the entry limit is unchanged and met.
// The landing app (the banner app plus <RepairLinkLanding />) gets its own entry limit. Measured
// 7.09 kB in 3 chunks against the banner app's 5.89 kB in 1: the landing's light gate (the address
// and session check, the lazy wrapper: about 0.45 kB in the entry chunk), and Vite 8 (Rolldown)
// moving HostApiError (0.39 kB) and kitState with queryKeys and dev (0.37 kB), which the landing's
// view shares with the entry, into chunks of their own, loaded with the entry (each gzipped alone, so
// they cost a little more than inside it). Limit 7.3 kB. The landing's view and store (2.9 kB, with
// its strings) load only once the address has a link, or on redirect mode's way back; the prompt's
// view and the widget flow as for the banner; both are checked below to stay out of the entry.
const TARGET_DUE_PROMPT_PAGE = 12_000;
const LIMIT_ENTRY_CLOSURE = 6_000;
const LIMIT_DUE_PROMPT_PAGE = 18_850;
const LIMIT_AFTER_CLICK = 24_850;
const LIMIT_EVERYTHING = 25_450;
const LIMIT_CORE_DECISIONS = 1_500;
const LIMIT_LANDING_ENTRY = 7_300;
/** What a landing page's first bundle must not hold: the landing's view and store, the prompt's view, the widget flow. */
const LANDING_LAZY = ['RepairLinkLanding/RepairLinkLandingView.js', 'hooks/repairLinkStore.js', 'promptParts/PromptView.js', 'hooks/flowRuntime.js', 'core/openMeldWidget.js'];

const PEERS = [/^react(-dom)?(\/.*)?$/, /^@tanstack\/react-query(\/.*)?$/];
const PACKAGE = 'meld-reconnect-kit';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = join(root, 'bench/results/bundles.json');
const noBuild = process.argv.includes('--no-build');
const keep = process.argv.includes('--keep');

const APPS = {
  banner: [
    "import { createElement } from 'react';",
    "import { createRoot } from 'react-dom/client';",
    `import { ReconnectKitProvider, ReconnectBanner } from '${PACKAGE}';`,
    '',
    "createRoot(document.getElementById('root')).render(",
    "  createElement(ReconnectKitProvider, { baseUrl: '/api' }, createElement(ReconnectBanner, { connectionId: 'c1' })),",
    ');',
    '',
  ].join('\n'),
  landing: [
    "import { createElement } from 'react';",
    "import { createRoot } from 'react-dom/client';",
    `import { ReconnectKitProvider, ReconnectBanner, RepairLinkLanding } from '${PACKAGE}';`,
    '',
    "createRoot(document.getElementById('root')).render(",
    "  createElement(ReconnectKitProvider, { baseUrl: '/api' }, createElement(RepairLinkLanding), createElement(ReconnectBanner, { connectionId: 'c1' })),",
    ');',
    '',
  ].join('\n'),
  core: [
    `import { getStatusDecision, isOperationAllowed } from '${PACKAGE}/core';`,
    '',
    "const out = document.getElementById('root');",
    "const decision = getStatusDecision('RECONNECT_REQUIRED', 'LOGIN_REQUIRED');",
    "out.textContent = JSON.stringify([decision, isOperationAllowed('refresh', 'ACTIVE', null)]);",
    '',
  ].join('\n'),
};

const gzipBytes = (code) => gzipSync(code, { level: 9 }).length;
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
const KiB = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;

/** The kit's module ids as paths inside the package (dist/...); the app's own as `app:<file>`. */
function moduleName(id, app) {
  const clean = id.replace(/\?.*$/, '').replace(/^\0/, '').replaceAll('\\', '/');
  const at = clean.lastIndexOf(`/node_modules/${PACKAGE}/`);
  if (at !== -1) return clean.slice(at + `/node_modules/${PACKAGE}/`.length);
  if (clean.startsWith(`${app}/`)) return `app:${clean.slice(app.length + 1)}`;
  return clean;
}

/** `npm pack` of the repository, unpacked into `<app>/node_modules/meld-reconnect-kit`. */
function pack(scratch) {
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1);
  return join(scratch, name ?? '');
}

function install(tarball, app) {
  const dir = join(app, 'node_modules', PACKAGE);
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  // The peers are external (never bundled), but a resolver may still look them up.
  for (const peer of ['react', 'react-dom', '@tanstack']) {
    mkdirSync(join(app, 'node_modules', peer, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', peer), join(app, 'node_modules', peer));
  }
}

/** Vite's production build of `app` (index.html + main.js): its JS chunks with their import graph. */
async function viteBuild(app, main) {
  writeFileSync(join(app, 'index.html'), '<!doctype html><html lang="en"><title>host</title><div id="root"></div><script type="module" src="./main.js"></script></html>\n');
  writeFileSync(join(app, 'main.js'), main);
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  let output;
  try {
    output = await build({
      root: app,
      configFile: false,
      envFile: false,
      mode: 'production',
      logLevel: 'error',
      base: './',
      plugins: [react()],
      build: {
        outDir: 'dist',
        emptyOutDir: true,
        manifest: true,
        // Vite's <link rel=modulepreload> polyfill is the host's choice, not the kit's code.
        modulePreload: { polyfill: false },
        reportCompressedSize: false,
        rolldownOptions: { external: PEERS },
      },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const outputs = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
  const chunks = new Map();
  for (const item of outputs) {
    if (item.type !== 'chunk') continue;
    chunks.set(item.fileName, {
      file: item.fileName,
      isEntry: item.isEntry,
      imports: item.imports.filter((f) => !PEERS.some((p) => p.test(f))),
      dynamicImports: item.dynamicImports.filter((f) => !PEERS.some((p) => p.test(f))),
      external: [...item.imports, ...item.dynamicImports].filter((f) => PEERS.some((p) => p.test(f))),
      modules: item.moduleIds.map((id) => moduleName(id, app)),
      bytes: Buffer.byteLength(item.code),
      gzip: gzipBytes(item.code),
    });
  }
  const assets = outputs.filter((o) => o.type === 'asset' && !o.fileName.endsWith('.html') && !o.fileName.endsWith('manifest.json')).map((o) => ({ file: o.fileName, gzip: gzipBytes(o.source) }));
  return { chunks, assets };
}

/** Every chunk reachable from `start` through `edges` (a chunk's imports, or imports and dynamic imports). */
function closure(chunks, start, edges) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !chunks.has(file)) return;
    seen.add(file);
    for (const next of edges(chunks.get(file))) visit(next);
  };
  for (const file of start) visit(file);
  return seen;
}

const sum = (chunks, files) => [...files].reduce((total, file) => total + chunks.get(file).gzip, 0);

function measure({ chunks, assets }) {
  const entries = [...chunks.values()].filter((c) => c.isEntry).map((c) => c.file);
  const staticFiles = closure(chunks, entries, (c) => c.imports);
  const allFiles = closure(chunks, entries, (c) => [...c.imports, ...c.dynamicImports]);
  // For each chunk loaded only through import(): which chunk(s) import() it.
  const loadedBy = (file) => [...chunks.values()].filter((c) => c.dynamicImports.includes(file)).map((c) => c.file);
  const dynamicFiles = [...allFiles].filter((f) => !staticFiles.has(f));
  // A due prompt loads its live view; reading a connection by id loads the host client. The launcher
  // (flowRuntime) waits for the customer's intent, and the cross-tab handler for a message.
  const holding = (suffix) => [...chunks.values()].filter((c) => c.modules.some((m) => m.endsWith(suffix))).map((c) => c.file);
  const dueFiles = closure(chunks, [...entries, ...holding('promptParts/PromptView.js'), ...holding('core/createHostClient.js')], (c) => c.imports);
  const clickFiles = closure(chunks, [...dueFiles, ...holding('hooks/flowRuntime.js')], (c) => c.imports);
  return {
    entry: entries,
    entryClosure: { gzip: sum(chunks, staticFiles), chunks: [...staticFiles] },
    duePromptPage: { gzip: sum(chunks, dueFiles), chunks: [...dueFiles] },
    afterClick: { gzip: sum(chunks, clickFiles), chunks: [...clickFiles] },
    everythingReachable: { gzip: sum(chunks, allFiles), chunks: [...allFiles] },
    chunks: [...chunks.values()].map((c) => ({
      ...c,
      loaded: staticFiles.has(c.file) ? 'static' : 'dynamic',
      ...(staticFiles.has(c.file) ? {} : { importedBy: loadedBy(c.file), staticClosureFromHere: sum(chunks, closure(chunks, [c.file], (x) => x.imports)) }),
    })),
    dynamicChunks: dynamicFiles,
    assets,
  };
}

const startedAt = performance.now();
if (!noBuild) {
  console.log('npm run build ...');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
const scratch = mkdtempSync(join(tmpdir(), 'mrk-bundle-budget-'));
let measured;
try {
  const tarball = pack(scratch);
  measured = {};
  for (const [name, main] of Object.entries(APPS)) {
    const app = join(scratch, name);
    mkdirSync(app, { recursive: true });
    install(tarball, app);
    measured[name] = measure(await viteBuild(app, main));
  }
} finally {
  if (keep) console.log(`kept the scratch apps in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}

const banner = measured.banner;
const core = measured.core;
const landing = measured.landing;
const landingEntryModules = landing.chunks.filter((c) => landing.entryClosure.chunks.includes(c.file)).flatMap((c) => c.modules);
const pulledIn = LANDING_LAZY.filter((suffix) => landingEntryModules.some((m) => m.endsWith(suffix)));
const checks = [
  { name: 'provider + ReconnectBanner: entry static closure', gzip: banner.entryClosure.gzip, limit: LIMIT_ENTRY_CLOSURE, chunks: banner.entryClosure.chunks.length },
  { name: 'provider + ReconnectBanner: a page with a due prompt, before any click', gzip: banner.duePromptPage.gzip, limit: LIMIT_DUE_PROMPT_PAGE, chunks: banner.duePromptPage.chunks.length },
  { name: 'provider + ReconnectBanner: after the customer clicks Reconnect', gzip: banner.afterClick.gzip, limit: LIMIT_AFTER_CLICK, chunks: banner.afterClick.chunks.length },
  { name: 'provider + ReconnectBanner: everything reachable (upper bound)', gzip: banner.everythingReachable.gzip, limit: LIMIT_EVERYTHING, chunks: banner.everythingReachable.chunks.length },
  { name: 'core: getStatusDecision + isOperationAllowed (entry static closure)', gzip: core.entryClosure.gzip, limit: LIMIT_CORE_DECISIONS, chunks: core.entryClosure.chunks.length },
  { name: 'provider + ReconnectBanner + RepairLinkLanding: entry static closure', gzip: landing.entryClosure.gzip, limit: LIMIT_LANDING_ENTRY, chunks: landing.entryClosure.chunks.length },
];
for (const check of checks) check.ok = check.gzip <= check.limit;
checks.at(-1).ok &&= pulledIn.length === 0;

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log('\nVite 8 production build, peers external; each chunk gzipped alone (level 9); 1 kB = 1,000 bytes');
console.log(`  ${pad('', 78)}${lpad('chunks', 7)}${lpad('gzip', 11)}${lpad('', 12)}${lpad('limit', 11)}`);
for (const c of checks) {
  console.log(`  ${pad(c.name, 78)}${lpad(c.chunks, 7)}${lpad(kB(c.gzip), 11)}${lpad(KiB(c.gzip), 12)}${lpad(kB(c.limit), 11)}  ${c.ok ? 'ok' : 'OVER'}`);
}

for (const [name, m] of Object.entries(measured)) {
  console.log(`\n${name} app: chunks (gzip alone; static = in the entry's static closure)`);
  for (const c of m.chunks) {
    const how = c.loaded === 'static' ? (c.isEntry ? 'entry' : 'static') : `import() from ${c.importedBy.join(', ')}`;
    console.log(`  ${pad(c.file, 40)}${lpad(kB(c.gzip), 10)}  ${how}${c.external.length ? `; peers: ${c.external.join(', ')}` : ''}`);
    for (const id of c.modules) console.log(`      ${id}`);
  }
  for (const a of m.assets) console.log(`  asset ${pad(a.file, 34)}${lpad(kB(a.gzip), 10)}  (not counted)`);
}

const result = {
  benchmark: 'bundles',
  date: new Date().toISOString(),
  environment: { node: process.version, vite: (await import('vite')).version },
  method: 'npm pack -> scratch app -> vite build() (production, @vitejs/plugin-react, peers external, modulepreload polyfill off); each chunk gzipped alone at level 9, summed; 1 kB = 1000 bytes',
  limits: { entryClosure: LIMIT_ENTRY_CLOSURE, duePromptPage: LIMIT_DUE_PROMPT_PAGE, afterClick: LIMIT_AFTER_CLICK, everything: LIMIT_EVERYTHING, coreDecisions: LIMIT_CORE_DECISIONS, landingEntry: LIMIT_LANDING_ENTRY },
  targets: { duePromptPage: TARGET_DUE_PROMPT_PAGE },
  checks,
  apps: Object.fromEntries(Object.entries(measured).map(([name, m]) => [name, { main: APPS[name], ...m }])),
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${resultsFile.slice(root.length)} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);

if (pulledIn.length > 0) console.error(`\nthe landing app's entry holds what must load on demand: ${pulledIn.join(', ')}`);
const over = checks.filter((c) => !c.ok);
if (over.length > 0) {
  console.error(`\nover budget: ${over.map((c) => `${c.name} ${kB(c.gzip)} > ${kB(c.limit)}`).join('; ')}`);
  process.exit(1);
}
