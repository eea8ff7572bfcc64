// The host backend: meld-reconnect-kit/server behind two route handlers
// (app/api/meld/[...path] and app/api/meld/webhooks). One module, so both share
// the Meld client; the event bus is the kit's process-wide default.
import { createMeldClient, createReconnectHandler, createWebhookHandler } from 'meld-reconnect-kit/server';
import { currentUser } from './session';

type Handler = (request: Request) => Promise<Response>;

function setting(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set. \`npm run dev\` starts the Meld simulator and sets it; against Meld, set it in .env.local.`);
  }
  return value;
}

let handlers: { api: Handler; webhooks: Handler } | undefined;

// Made on the first request, not at import: `next build` loads this module without Meld settings.
function meldHandlers() {
  if (handlers) return handlers;
  const meld = createMeldClient({
    apiKey: setting('MELD_API_KEY'),
    // The simulator's URL in development; unset, the client talks to Meld's sandbox.
    ...(process.env.MELD_BASE_URL ? { baseUrl: process.env.MELD_BASE_URL } : {}),
  });
  const api = createReconnectHandler({
    meld,
    basePath: '/api/meld',
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
    secret: setting('MELD_WEBHOOK_SECRET'),
    url: setting('MELD_WEBHOOK_URL'), // exactly as registered with Meld: it is part of the signature
    meld,
    onError: (error, { phase, eventType }) => console.error('[meld webhook]', phase, eventType, error),
  });
  handlers = { api, webhooks };
  return handlers;
}

export const meldApi: Handler = (request) => meldHandlers().api(request);
export const meldWebhooks: Handler = (request) => meldHandlers().webhooks(request);

/** Hosts Meld's widget may load from, besides the kit's defaults (the simulator's in development). */
export function widgetHosts(): string[] {
  return (process.env.MELD_WIDGET_HOSTS ?? '').split(',').map((host) => host.trim()).filter(Boolean);
}
