#!/usr/bin/env node
// Finds a `redis-server` for the server tests (the Redis event bus). Order:
// $REDIS_SERVER_PATH, Debian's /usr/bin/redis-server, other usual places,
// then $PATH. As root on Debian/Ubuntu with none present, installs Debian's
// `redis-server` package (the same pattern as scripts/chromium.mjs).
// Starts throwaway servers on a free loopback port, without persistence.
//
//   node scripts/redis.mjs                  prints the path (installing if it may)
//   node scripts/redis.mjs --exec CMD ...   starts a server, runs CMD with REDIS_URL set, stops it
import { spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canInstallWithApt, installWithApt, isExecutable } from './debianPackage.mjs';

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/opt/homebrew/bin/redis-server', '/usr/sbin/redis-server'];

const INSTRUCTION =
  'No redis-server found: install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, macOS: `brew install redis`) or set REDIS_SERVER_PATH=/path/to/redis-server.';

/** The path of a usable redis-server, or undefined. Does not install anything. */
export function findRedisServer(env = process.env) {
  if (env.REDIS_SERVER_PATH) return isExecutable(env.REDIS_SERVER_PATH) ? env.REDIS_SERVER_PATH : undefined;
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'redis-server'));
  return [...CANDIDATES, ...onPath].find(isExecutable);
}

/**
 * Finds redis-server, installing Debian's package when allowed.
 * Throws an Error whose message is the one-line instruction otherwise.
 */
export function ensureRedisServer() {
  const found = findRedisServer();
  if (found) return found;
  if (process.env.REDIS_SERVER_PATH) {
    throw new Error(`REDIS_SERVER_PATH=${process.env.REDIS_SERVER_PATH} is not an executable file. ${INSTRUCTION}`);
  }
  if (canInstallWithApt()) {
    console.error('[redis] none found; installing Debian\'s redis-server package (apt-get)...');
    // RUNLEVEL=1 asks invoke-rc.d not to start the packaged service: the tests start their own.
    const installed = installWithApt('redis-server', () => findRedisServer(), { RUNLEVEL: '1' });
    if (installed) return installed;
  }
  throw new Error(INSTRUCTION);
}

/** A port that was free on 127.0.0.1 a moment ago (redis-server cannot take port 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk;
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/**
 * Starts a throwaway redis-server on 127.0.0.1 (no persistence, no RDB/AOF
 * files) and resolves once it answers PING.
 *
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void> }>}
 */
export async function startRedisServer({ path = ensureRedisServer(), timeoutMs = 10_000 } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child = spawn(
      path,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--daemonize', 'no', '--loglevel', 'warning', '--dir', process.env.TMPDIR ?? '/tmp'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let exited = false;
    const exit = new Promise((resolve) => child.once('exit', (code) => ((exited = true), resolve(code))));
    const started = Date.now();
    while (!exited && Date.now() - started < timeoutMs) {
      if (await ping(port)) {
        const stop = async () => {
          if (exited) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exit;
          clearTimeout(timer);
        };
        return { url: `redis://127.0.0.1:${port}`, port, stop };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!exited) child.kill('SIGKILL');
    await exit;
    lastError = new Error(`redis-server did not start on 127.0.0.1:${port}: ${stderr.trim() || 'no answer to PING'}`);
  }
  throw lastError;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let path;
  try {
    path = ensureRedisServer();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  const execAt = process.argv.indexOf('--exec');
  if (execAt === -1) {
    console.log(path);
  } else {
    const server = await startRedisServer({ path });
    const [cmd, ...args] = process.argv.slice(execAt + 1);
    const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, REDIS_URL: server.url } });
    await server.stop();
    process.exit(result.status ?? 1);
  }
}
