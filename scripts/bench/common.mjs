// What the benchmarks share: command-line counts, quantiles, the machine's
// description, and Debian's Chromium (never a downloaded one).
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import { findChromium } from '../chromium.mjs';

/** `--name N` from the command line, a positive integer, else `fallback`. */
export function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

/** Linear interpolation between closest ranks (numpy's default). */
export function quantile(samples, q) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

export const QUANTILES = 'linear interpolation between closest ranks';

/** The Chromium the benchmarks drive; exits with one line when there is none. */
export function benchChromium() {
  const executablePath = findChromium();
  if (!executablePath) {
    console.error('No Chromium found: install Debian\'s `chromium` package or set CHROMIUM_PATH. The benchmark never downloads a browser.');
    process.exit(1);
  }
  return executablePath;
}

/**
 * Describes the machine for a result file. Call it when the run starts; its
 * `finish(browser)` adds what is known at the end (other work on the machine
 * shows up as noise: the load average says how busy it was).
 */
export function machine() {
  const loadBefore = loadavg()[0];
  return {
    loadBefore,
    finish: (browserVersion, extra = {}) => ({
      chromium: browserVersion,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      loadAverage1m: { before: loadBefore, after: loadavg()[0] },
      ...extra,
    }),
  };
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds `meld-reconnect-kit/server` from source into
 * `node_modules/.cache/<cacheName>/server.mjs` (inside the repository, so the
 * built file resolves `redis` from node_modules) and answers its file URL.
 */
export async function buildServerForBench(cacheName) {
  const outDir = join(repoRoot, 'node_modules/.cache', cacheName);
  await build({
    configFile: false,
    root: repoRoot,
    logLevel: 'warn',
    build: {
      ssr: join(repoRoot, 'src/server/index.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'server.mjs' } },
    },
  });
  return pathToFileURL(join(outDir, 'server.mjs')).href;
}
