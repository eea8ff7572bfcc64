#!/usr/bin/env node
// `npm run storybook`: the components, the status table and the docs, on a
// free local port (6006 when free, or $PORT), announced once it answers.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });
}

async function pickPort(preferred) {
  for (let port = preferred; port < preferred + 50; port += 1) {
    if (await isFree(port)) return port;
  }
  throw new Error(`No free port between ${preferred} and ${preferred + 49}; set PORT to a free one.`);
}

const port = await pickPort(Number(process.env.PORT) || 6006);
const url = `http://localhost:${port}/`;
console.log(`Starting Storybook at ${url} (Ctrl-C stops it)`);

const child = spawn(
  join(root, 'node_modules', '.bin', 'storybook'),
  ['dev', '--port', String(port), '--host', '127.0.0.1', '--no-open', '--ci', '--quiet'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' } },
);

// Announce the URL once Storybook answers on it (its own banner varies with --quiet).
const deadline = Date.now() + 180_000;
while (Date.now() < deadline && child.exitCode === null) {
  const answered = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
  if (answered) {
    console.log(`\nStorybook is ready: ${url}\n`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
