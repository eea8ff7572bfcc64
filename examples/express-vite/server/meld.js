// The host backend's Meld side: meld-reconnect-kit/server with the app's
// session. `api` serves the host endpoint contract and the live /events stream
// under /api/meld; `webhooks` takes Meld's signed deliveries and feeds the stream.
import { createMeldClient, createReconnectHandler, createWebhookHandler } from 'meld-reconnect-kit/server';
import { currentUser } from './session.js';

/**
 * @typedef {object} MeldSettings
 * @property {string} apiKey
 * @property {string | undefined} baseUrl the simulator's URL in development; unset, Meld's sandbox
 * @property {string} webhookSecret
 * @property {string} webhookUrl exactly as registered with Meld: it is part of the signature
 * @property {string[]} widgetHosts hosts Meld's widget may load from besides the kit's defaults
 */

/** @param {MeldSettings} settings */
export function createMeldHandlers(settings) {
  const meld = createMeldClient({ apiKey: settings.apiKey, ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}) });
  const api = createReconnectHandler({
    meld,
    basePath: '/api/meld', // the full path: toNodeHandler keeps Express' mount path
    authorize: (request) => {
      const user = currentUser(request);
      return user ? { externalCustomerId: user.id } : null;
    },
    onError: (error, { route, status }) => {
      // A 4xx (a 409 for a connection Meld cannot repair, a 429) is expected: one line, no stack.
      if (status !== undefined && status < 500) console.warn('[meld]', route, status, error instanceof Error ? error.message : error);
      else console.error('[meld]', route, status ?? '', error);
    },
  });
  const webhooks = createWebhookHandler({
    secret: settings.webhookSecret,
    url: settings.webhookUrl,
    meld,
    onError: (error, { phase, eventType }) => console.error('[meld webhook]', phase, eventType, error),
  });
  return { api, webhooks };
}
