#!/usr/bin/env node
// Writes the browser stand-ins of the Node-only entries: dist/server/browser.js and
// dist/testing/browser.js. package.json's `browser` export condition points a browser
// build (Vite's client build, Next's client components, webpack, Jest with jsdom) at them;
// server builds (`node`, `react-server`, `edge-light`, `workerd`) and Node get the real entry.
//
// A stand-in fails the build, not the page: it imports a file that does not exist, named
// by the message, so every bundler stops with "could not resolve" and shows the message
// and this file's comment. Plain JS written here, not compiled: the library build would
// try to resolve that import.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const GUARDS = {
  server: {
    message:
      'meld-reconnect-kit/server is server-only and was imported from browser code. ' +
      'Import it from server code only (a route handler, a Server Component, your Node backend); ' +
      'in browser code use meld-reconnect-kit or meld-reconnect-kit/core',
    why: 'It holds the Meld API client (your API key), webhook verification and Node built-ins (node:crypto, node:http).',
  },
  testing: {
    message:
      'meld-reconnect-kit/testing is Node-only (the Meld simulator) and was imported from browser code. ' +
      'Use it in Node (tests, a dev server); for MSW handlers in browser code (Storybook, a mock page) ' +
      'import hostApiHandlers from meld-reconnect-kit/testing/msw',
    why: 'The simulator starts HTTP servers and signs webhooks with Node built-ins.',
  },
};

/** The stand-in module for one entry. */
export function guardSource(entry) {
  const { message, why } = GUARDS[entry];
  return [
    `// meld-reconnect-kit/${entry}, as a browser build resolves it (the "browser" export condition).`,
    `// ${why}`,
    '// The import below names a file that does not exist, so the build stops here with this message:',
    `import ${JSON.stringify(`./ERROR ${message}`)};`,
    '',
    `throw new Error(${JSON.stringify(`meld-reconnect-kit: ${message}.`)});`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const entry of Object.keys(GUARDS)) {
    mkdirSync(`${root}dist/${entry}`, { recursive: true });
    writeFileSync(`${root}dist/${entry}/browser.js`, guardSource(entry));
  }
}
