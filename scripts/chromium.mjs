#!/usr/bin/env node
// Finds a Chromium for the browser tests. Order: $CHROMIUM_PATH, Debian's
// /usr/bin/chromium, other usual places. As root on Debian/Ubuntu with none
// present, installs Debian's `chromium` package. Never downloads a browser build.
//
//   node scripts/chromium.mjs                 prints the path (installing if it may)
//   node scripts/chromium.mjs --exec CMD ...  runs CMD with CHROMIUM_PATH set
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { canInstallWithApt, installWithApt, isExecutable } from './debianPackage.mjs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

const INSTRUCTION =
  'No Chromium found: install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH=/path/to/chrome.';

/** The path of a usable Chromium, or undefined. Does not install anything. */
export function findChromium(env = process.env) {
  if (env.CHROMIUM_PATH) return isExecutable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  return CANDIDATES.find(isExecutable);
}

/** Finds Chromium, installing Debian's package when allowed; exits with one line otherwise. */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (process.env.CHROMIUM_PATH) {
    console.error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file. ${INSTRUCTION}`);
    process.exit(1);
  }
  if (canInstallWithApt()) {
    console.error('[chromium] none found; installing Debian\'s chromium package (apt-get)...');
    const installed = installWithApt('chromium', () => findChromium());
    if (installed) return installed;
  }
  console.error(INSTRUCTION);
  process.exit(1);
}

/** Launch flags for a headless Chromium on a closed network as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = ensureChromium();
  const execAt = process.argv.indexOf('--exec');
  if (execAt === -1) {
    console.log(path);
  } else {
    const [cmd, ...args] = process.argv.slice(execAt + 1);
    const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: path } });
    process.exit(result.status ?? 1);
  }
}
