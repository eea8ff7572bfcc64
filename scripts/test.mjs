#!/usr/bin/env node
// `npm test`: every check the project has, in order, ending non-zero on any
// failure. Vitest runs write a small report (scripts/summaryReporter.mjs) so
// the summary can sum them, "N passed, N failed", and name what failed or
// passed only on a retry.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const reports = join(root, '.reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', FORCE_COLOR: process.env.CI ? '0' : '1' };
const results = [];
// No step should come near this; a hung one fails loudly instead of stalling CI.
const STEP_TIMEOUT_MS = 5 * 60 * 1000;

function run(label, cmd, args, { needs = [], extraEnv = {} } = {}) {
  const blocked = needs.filter((need) => results.find((r) => r.label === need && !r.ok));
  if (blocked.length > 0) {
    console.log(`\n-- ${label}: skipped (needs ${blocked.join(', ')})`);
    results.push({ label, ok: false, skipped: true, seconds: 0 });
    return false;
  }
  console.log(`\n-- ${label}`);
  const started = performance.now();
  const result = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, ...extraEnv },
    timeout: STEP_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (result.error?.code === 'ETIMEDOUT') console.error(`\n-- ${label}: killed after ${STEP_TIMEOUT_MS / 60000} minutes (hung?)`);
  const ok = result.status === 0;
  results.push({ label, ok, seconds: (performance.now() - started) / 1000 });
  return ok;
}

function vitest(label, projects, options = {}) {
  const report = join(reports, `${label.replace(/\W+/g, '-')}.json`);
  const projectArgs = projects.flatMap((p) => ['--project', p]);
  const ok = run(
    label,
    bin('vitest'),
    ['run', ...projectArgs, '--reporter=default', '--reporter=./scripts/summaryReporter.mjs'],
    { ...options, extraEnv: { ...options.extraEnv, MRK_SUMMARY_FILE: report } },
  );
  const last = results.at(-1);
  try {
    Object.assign(last, JSON.parse(readFileSync(report, 'utf8')));
  } catch {
    if (!last.skipped) {
      last.failed = 1;
      last.failures = ['the runner ended before reporting (see its output above)'];
    }
  }
  if (!last.ok && !last.skipped && last.failed === 0) last.failures = ['Vitest ended non-zero with every test passing (see its output above)'];
  return ok;
}

const chromiumPath = ensureChromium();

run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
// The demo imports the kit by its package names (demo/tsconfig.json maps them to src/).
run('typecheck (demo)', bin('tsc'), ['-p', 'demo/tsconfig.json', '--noEmit']);
run('lint', bin('eslint'), ['--max-warnings', '0', '.']);
vitest('unit tests (jsdom)', ['unit']);
// The peer range says React 18 too: the component and hook tests again, on React 18 (test/react18).
run('install React 18 (test/react18)', 'npm', ['ci', '--prefix', 'test/react18', '--no-audit', '--no-fund', '--loglevel=error']);
vitest('React 18 (components and hooks, jsdom)', ['react18'], { needs: ['install React 18 (test/react18)'] });
vitest('server tests (Node, Redis)', ['server']);
run('build', 'npm', ['run', '--silent', 'build']);
run('publint', bin('publint'), ['--strict'], { needs: ['build'] });
run('attw', bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--exclude-entrypoints', './styles.css'], { needs: ['build'] });
run('size-limit', bin('size-limit'), [], { needs: ['build'] });
// The kit as a host's Vite build splits it: the entry's static closure, a page with a due prompt, after a click.
run('bundle split budget', 'node', ['scripts/bundleBudget.mjs', '--no-build'], { needs: ['build'] });
vitest('package consumers (Node, Vite, Chromium)', ['package'], {
  needs: ['build'],
  extraEnv: { CHROMIUM_PATH: chromiumPath },
});
// The example apps (examples/): the packed kit installed as a user installs it into a Next.js App Router
// app and an Express + Vite app, each built once, started with the Meld simulator and driven in Chromium.
vitest('example apps (Next.js, Express + Vite)', ['examples'], {
  needs: ['build'],
  extraEnv: { CHROMIUM_PATH: chromiumPath },
});
vitest('browser tests and stories (Chromium)', ['browser', 'storybook'], {
  extraEnv: { CHROMIUM_PATH: chromiumPath },
});
// The demo stack (simulator + backend + app, as `npm start` runs it) driven by Playwright in Chromium.
vitest('end-to-end (Playwright, Chromium)', ['e2e'], {
  extraEnv: { CHROMIUM_PATH: chromiumPath },
});
run('storybook build', bin('storybook'), ['build', '--quiet', '--output-dir', 'storybook-static']);

console.log('\nSummary');
for (const r of results) {
  const state = r.skipped ? 'SKIP' : r.ok ? 'ok  ' : 'FAIL';
  const counts = r.passed === undefined ? '' : `  (${r.passed} passed, ${r.failed} failed)`;
  console.log(`  ${state} ${r.label.padEnd(44)} ${r.seconds.toFixed(1).padStart(6)} s${counts}`);
  for (const line of r.failures ?? []) console.log(`         x ${line}`);
  for (const line of r.flaky ?? []) console.log(`         ~ flaky: ${line}`);
}
const passed = results.reduce((n, r) => n + (r.passed ?? 0), 0);
const failed = results.reduce((n, r) => n + (r.failed ?? 0), 0);
const flaky = results.reduce((n, r) => n + (r.flaky?.length ?? 0), 0);
const failedSteps = results.filter((r) => !r.ok).length;
if (failedSteps > 0) console.log(`\n${failedSteps} step(s) failed.`);
const retried = flaky > 0 ? ` (${flaky} only on a retry, marked ~ above)` : '';
console.log(`${passed} passed${retried}, ${failed + (failed === 0 ? failedSteps : 0)} failed`);
process.exit(failedSteps > 0 ? 1 : 0);
