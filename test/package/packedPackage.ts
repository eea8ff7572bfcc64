// Shared by the package tests of the server and testing entries: the packed
// package unpacked into scratch apps, the module graph of a published file,
// and a Vite browser bundle of a scratch app. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface PackedPackage {
  /** A folder of its own for this test file's scratch apps. */
  scratch: string;
  /** Unpacks the package into `into/node_modules/meld-reconnect-kit` and returns that folder. */
  unpack(into: string): string;
  /** Links packages from the repository's node_modules into a scratch app (peers, msw). */
  link(app: string, packages: readonly string[]): void;
  remove(): void;
}

/** `npm pack` of the repository into a new scratch folder. */
export function packPackage(prefix: string): PackedPackage {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: repo, encoding: 'utf8' }).trim().split('\n').at(-1);
  const tarball = join(scratch, name ?? '');
  return {
    scratch,
    unpack(into) {
      const dir = join(into, 'node_modules', 'meld-reconnect-kit');
      mkdirSync(dir, { recursive: true });
      execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
      return dir;
    },
    link(app, packages) {
      for (const pkg of packages) symlinkSync(join(repo, 'node_modules', pkg), join(app, 'node_modules', pkg));
    },
    remove() {
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Every module reachable from `entry` through static and dynamic relative imports. */
export function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(resolve(dirname(file), match[1]!));
    }
  };
  visit(entry);
  return seen;
}

/**
 * `vite build` of `app` into `app/dist` as a host's build runs it: NODE_ENV
 * unset, i.e. production (Vitest sets it to 'test').
 */
export async function viteProductionBuild(app: string, options: { minify?: boolean; ssr?: string } = {}): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      base: './',
      build: { outDir: 'dist', minify: options.minify ?? true, ...(options.ssr ? { ssr: options.ssr } : {}) },
      // A server build that bundles its dependencies, so the kit's entries resolve with Vite's server conditions.
      ...(options.ssr ? { ssr: { noExternal: true } } : {}),
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/**
 * Builds `app` (with `main` as its only module) for the browser with Vite in production mode,
 * expecting it to fail: the build error's message, or `undefined` if it built.
 */
export async function viteBrowserBuildError(app: string, main: string): Promise<string | undefined> {
  try {
    await viteBrowserBundle(app, main);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Builds `app` (with `main` as its only module) for the browser with Vite in production mode; the JS it emits. */
export async function viteBrowserBundle(app: string, main: string): Promise<string> {
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title><script type="module" src="./main.js"></script>');
  writeFileSync(join(app, 'main.js'), main);
  await viteProductionBuild(app, { minify: false });
  const assets = join(app, 'dist', 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
}
