// Shared by scripts/chromium.mjs and scripts/redis.mjs: finding an executable
// and, as root on Debian/Ubuntu, installing Debian's package for it. Never
// downloads anything but Debian's own packages.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

/** Whether `path` is a file this process may execute. */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Root on a Debian-like system with apt-get: the test command may install Debian's packages. */
export function canInstallWithApt() {
  return (
    process.platform === 'linux' &&
    typeof process.getuid === 'function' &&
    process.getuid() === 0 &&
    existsSync('/etc/debian_version') &&
    isExecutable('/usr/bin/apt-get')
  );
}

/**
 * Installs Debian's `pkg` without recommends (output to the terminal) and
 * returns `find()` afterwards: undefined when it could not be installed.
 */
export function installWithApt(pkg, find, extraEnv = {}) {
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...extraEnv };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'inherit', env: aptEnv });
  } catch {
    // the caller prints its one-line instruction
  }
  return find();
}
