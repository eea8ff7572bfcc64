// The Express app: Meld's routes from the kit, and the page, served with the
// customer's connections already in it (the SPA's stand-in for server rendering).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dehydrate, QueryClient } from '@tanstack/react-query';
import express from 'express';
import { connectionsQueryOptions, createHostClient } from 'meld-reconnect-kit/core';
import { toNodeHandler } from 'meld-reconnect-kit/server';
import { createMeldHandlers } from './meld.js';
import { currentUser } from './session.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * What the page starts with, read by src/main.tsx: who is signed in, where
 * Meld's widget may load from, and the prefetched query cache.
 *
 * @param {(request: Request) => Promise<Response>} api
 * @param {import('express').Request} request
 * @param {string[]} widgetHosts
 */
async function initialState(api, request, widgetHosts) {
  const user = currentUser(new Request('http://localhost/', { headers: { cookie: request.headers.cookie ?? '' } }));
  // The kit's client, answered by the same handler in this process, as this customer (their cookie).
  const hostApi = createHostClient({
    baseUrl: 'http://localhost/api/meld',
    headers: { cookie: request.headers.cookie ?? '' },
    fetch: (input, init) => api(new Request(input, init)),
  });
  // The same query options the kit's hooks use; a failed prefetch leaves the query to the browser.
  const queryClient = new QueryClient();
  await queryClient.prefetchQuery(connectionsQueryOptions({ hostApi }));
  return { user: user ? { name: user.name } : null, widgetHosts, queries: dehydrate(queryClient) };
}

/**
 * JSON inside <script>: `<` escaped, so no string in it can close the element.
 *
 * @param {unknown} value
 */
const scriptJson = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * @param {{ meld: import('./meld.js').MeldSettings, dev: boolean }} options
 */
export async function createApp({ meld, dev }) {
  const { api, webhooks } = createMeldHandlers(meld);
  const app = express();

  // Before any body parser: the webhook signature is over the raw bytes.
  app.use('/api/meld/webhooks', toNodeHandler(webhooks));
  app.use('/api/meld', toNodeHandler(api));

  /** @type {(url: string) => Promise<string>} */
  let template;
  /** @type {import('vite').ViteDevServer | undefined} */
  let vite;
  if (dev) {
    // Development: Vite serves the front end from source, with hot reload, on this same origin.
    const { createServer } = await import('vite');
    const server = await createServer({ root, server: { middlewareMode: true }, appType: 'custom' });
    app.use(server.middlewares);
    template = async (url) => server.transformIndexHtml(url, await readFile(`${root}index.html`, 'utf8'));
    vite = server;
  } else {
    const html = await readFile(`${root}dist/index.html`, 'utf8').catch(() => {
      throw new Error('dist/index.html is missing: run `npm run build` first (or `npm run dev`).');
    });
    app.use(express.static(`${root}dist`, { index: false }));
    template = async () => html;
  }

  app.get('/', async (request, response, next) => {
    try {
      const state = await initialState(api, request, meld.widgetHosts);
      const page = (await template(request.originalUrl)).replace(
        '<!--app-state-->',
        `<script id="app-state" type="application/json">${scriptJson(state)}</script>`,
      );
      response.set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(page);
    } catch (error) {
      vite?.ssrFixStacktrace(/** @type {Error} */ (error));
      next(error);
    }
  });

  return {
    app,
    async close() {
      api.close(); // ends the open /events streams
      await vite?.close();
    },
  };
}
