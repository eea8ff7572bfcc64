#!/usr/bin/env node
// Installs meld-reconnect-kit into an example app the way a user gets it:
// `npm pack` of this repository, then `npm install` of that tarball. Never a
// path alias into src/, so a packaging mistake shows here as it would for a user.
//
//   cd examples/next-app-router && npm ci && npm run kit
//   node examples/installKit.mjs examples/express-vite [--tarball path.tgz]
//
// The tarball is installed with --no-save: the example's package.json and
// package-lock.json pin only its public dependencies, so `npm ci` keeps working
// on a fresh clone (a lockfile entry for a local tarball pins its integrity,
// which changes with every build). The kit is built first when dist/ is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
/** Tarballs go here (git-ignored), inside the repository. */
export const KIT_DIR = join(repo, 'examples', '.kit');

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** `npm pack` of the repository into examples/.kit; the tarball's path. Builds dist/ first if it is missing. */
export function packKit() {
  if (!existsSync(join(repo, 'dist', 'index.js'))) {
    console.log('[kit] dist/ is missing: building the kit first (npm run build)');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' });
  }
  mkdirSync(KIT_DIR, { recursive: true });
  const name = npm(['pack', '--silent', '--pack-destination', KIT_DIR], repo).trim().split('\n').at(-1);
  return join(KIT_DIR, name ?? '');
}

/** Installs the tarball into `app` without touching its package.json or lockfile. */
export function installKit(app, tarball) {
  if (!existsSync(join(app, 'node_modules'))) {
    throw new Error(`[kit] ${app} has no node_modules: run \`npm ci\` there first.`);
  }
  npm(['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', tarball], app);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--tarball');
  const tarball = at === -1 ? packKit() : resolve(args[at + 1] ?? '');
  const app = resolve(args.find((arg, i) => !arg.startsWith('--') && (at === -1 || i !== at + 1)) ?? process.cwd());
  installKit(app, tarball);
  console.log(`[kit] installed ${tarball.slice(tarball.lastIndexOf('/') + 1)} into ${app}`);
}
