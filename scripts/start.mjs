#!/usr/bin/env node
// `npm start`: the demo. Starts the Meld simulator, the demo backend and the
// demo app (demo/launch.mjs) in this one process on 127.0.0.1, prints the URL
// once all three answer, and closes them all on Ctrl-C (SIGINT) or SIGTERM.
//
//   npm start                 the app on 5173 when free, else any free port
//   PORT=8080 npm start       a given port
//   npm start -- --verbose    also one line per webhook and new connection
//
// Storybook (the components and the docs) is `npm run storybook`.
import { startDemo } from '../demo/launch.mjs';

const verbose = process.argv.includes('--verbose');
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
  console.error(`PORT=${process.env.PORT} is not a port number.`);
  process.exit(1);
}

let demo;
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  // A close that hangs must not keep the terminal: give up after a few seconds.
  const timer = setTimeout(() => {
    console.error('The demo did not close within 5 s; exiting anyway.');
    process.exit(1);
  }, 5000);
  timer.unref();
  try {
    await demo?.close();
  } finally {
    process.exit(code);
  }
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Before the demo is up, startDemo's own cleanup runs when it resolves (below).
    if (demo) void stop(0);
    else stopping = true;
  });
}

try {
  demo = await startDemo({ port, watch: true, verbose });
} catch (error) {
  console.error(`The demo did not start: ${error instanceof Error ? error.message : String(error)}`);
  if (error?.code === 'EADDRINUSE') console.error(`Port ${port} is in use; set PORT to a free one, or leave it out.`);
  process.exit(1);
}
if (stopping) {
  stopping = false;
  await stop(0);
}

console.log(`Demo ready: ${demo.url}   (simulator control page: ${demo.controlUrl})   Ctrl-C stops it`);
