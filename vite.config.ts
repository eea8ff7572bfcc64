/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vite';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
import { closeRelayWindows, countRelayWindows, kitPages } from './test/browser/kitPages.js';

const root = fileURLToPath(new URL('.', import.meta.url));

// React 18 for the react18 project, installed into test/react18 by `npm test`.
const react18 = `${root}test/react18/node_modules/`;
const REACT_18_ALIASES = [
  { find: /^react$/, replacement: `${react18}react/index.js` },
  { find: /^react\/(.*)$/, replacement: `${react18}react/$1` },
  { find: /^react-dom$/, replacement: `${react18}react-dom/index.js` },
  { find: /^react-dom\/(.*)$/, replacement: `${react18}react-dom/$1` },
  // Its CommonJS `main` would require React 19 past the aliases; the ES build goes through them.
  { find: /^@testing-library\/react$/, replacement: `${root}node_modules/@testing-library/react/dist/@testing-library/react.esm.js` },
];

// Tests in a real browser wait on Chromium, loopback servers and cross-origin
// frames; a CI machine under load can miss a deadline once. One retry, and
// `npm test` names every test that passed only on its retry (marked ~), so a
// flaky test is seen, not hidden; a test that fails twice fails the run.
const BROWSER_RETRY = 1;

// Vitest mutates the browser config it is given, so each project gets its own.
function chromium() {
  const executablePath = findChromium();
  return {
    enabled: true,
    headless: true,
    provider: playwright({
      launchOptions: { ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS },
    }),
    instances: [{ browser: 'chromium' as const }],
  };
}

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    target: 'es2022',
    lib: {
      entry: {
        index: 'src/index.ts',
        'core/index': 'src/core/index.ts',
        'server/index': 'src/server/index.ts',
        'testing/index': 'src/testing/index.ts',
        'testing/msw/index': 'src/testing/msw/index.ts',
      },
      formats: ['es'],
    },
    rolldownOptions: {
      external: [/^react(-dom)?(\/.*)?$/, /^@tanstack\//, /^node:/, /^redis$/, /^msw(\/.*)?$/],
      output: {
        preserveModules: true,
        preserveModulesRoot: 'src',
        entryFileNames: '[name].js',
      },
    },
  },
  test: {
    projects: [
      {
        plugins: [react()],
        test: {
          name: 'unit',
          root,
          environment: 'jsdom',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/**/*.browser.test.{ts,tsx}', 'test/package/**', 'test/server/**', 'test/testing/**', 'test/react18/**'],
          setupFiles: ['test/setup/unit.ts'],
        },
      },
      {
        // The same React tests against React 18 (the peer range is ^18 || ^19):
        // react and react-dom resolve to test/react18's install, and the
        // libraries that import React are inlined so they get it too.
        plugins: [react()],
        resolve: { alias: REACT_18_ALIASES },
        test: {
          name: 'react18',
          root,
          environment: 'jsdom',
          include: ['test/react18/**/*.test.tsx', 'test/components/**/*.test.tsx', 'test/hooks/**/*.test.tsx'],
          setupFiles: ['test/setup/unit.ts'],
          server: { deps: { inline: [/@tanstack\/react-query/, /@testing-library\/react/] } },
        },
      },
      {
        // kitPages: the widget relay page and a host page, on the test page's origin.
        plugins: [react(), kitPages()],
        // Known up front: a host page in a frame (kitPages' landing) that met a dependency Vite had
        // not optimized yet would make Vite reload the test on a fresh clone (a flaky first run).
        optimizeDeps: { include: ['react', 'react/jsx-dev-runtime', 'react-dom', 'react-dom/client', '@tanstack/react-query'] },
        test: {
          name: 'browser',
          root,
          include: ['test/**/*.browser.test.{ts,tsx}'],
          globalSetup: ['test/browser/fakeHostServer.ts'],
          setupFiles: ['test/setup/browser.ts'],
          // The files share one loopback host and reset it; run them one after another.
          fileParallelism: false,
          retry: BROWSER_RETRY,
          browser: { ...chromium(), commands: { closeRelayWindows, countRelayWindows } },
        },
      },
      {
        plugins: [react(), storybookTest({ configDir: `${root}.storybook` })],
        test: {
          name: 'storybook',
          root,
          retry: BROWSER_RETRY,
          browser: chromium(),
        },
      },
      {
        test: {
          name: 'server',
          root,
          environment: 'node',
          // test/testing: the Meld simulator and hostApiHandlers (meld-reconnect-kit/testing), in Node too.
          include: ['test/server/**/*.test.ts', 'test/testing/**/*.test.ts'],
          // Finds or installs redis-server, starts it on a loopback port, stops it at the end.
          globalSetup: ['test/server/redisSetup.ts'],
          // Lets the idle-stream test force a GC before it measures the heap.
          execArgv: ['--expose-gc'],
          // The load test would skew the timing of the others: one file at a time.
          fileParallelism: false,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'package',
          root,
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'examples',
          root,
          environment: 'node',
          // The example apps (examples/*), installed from the packed kit, built, started and driven in Chromium.
          include: ['test/examples/**/*.e2e.ts'],
          globalSetup: ['test/examples/installExamples.ts'],
          // Builds and browsers on a 2-core machine: one file at a time.
          fileParallelism: false,
          retry: BROWSER_RETRY,
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root,
          environment: 'node',
          // *.e2e.ts, so the unit project's *.test.ts pattern never picks them up.
          include: ['test/e2e/**/*.e2e.ts'],
          // Each file starts the demo stack (demo/launch.mjs) and Playwright's Chromium; one at a time.
          fileParallelism: false,
          retry: BROWSER_RETRY,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
