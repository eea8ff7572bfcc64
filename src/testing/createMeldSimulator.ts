import type { Server } from 'node:http';
import { copyConnection } from './ConnectionStore.js';
import { CONTROL_PREFIX, createControlApi } from './controlApi.js';
import { createMeldApi } from './meldApi.js';
import { MeldTestingError } from './MeldTestingError.js';
import { SimulatorCore } from './SimulatorCore.js';
import type { MeldSimulator, MeldSimulatorOptions } from './simulatorTypes.js';
import { createWidgetApp } from './widgetApp.js';
import { WebhookSender } from './WebhookSender.js';

const DEFAULT_SECRET = 'sim_webhook_secret';
const DEFAULT_KEY = 'sim_api_key';
const HOST = '127.0.0.1';

function checkPort(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65_535) {
    throw new MeldTestingError('invalid-option', `createMeldSimulator's ${name} must be an integer from 0 to 65535 (0 or leave it out for a free port), not ${JSON.stringify(value)}.`);
  }
  return value as number;
}

function checkMs(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MeldTestingError('invalid-option', `createMeldSimulator's ${name} must be a number of milliseconds (0 or more), not ${JSON.stringify(value)}.`);
  }
  return value;
}

function checkWebhookUrl(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value) || !URL.canParse(value)) {
    throw new MeldTestingError(
      'invalid-option',
      `${where} needs the absolute http(s) URL your webhook handler listens on, exactly as createWebhookHandler's { url } (it is part of the signature), e.g. 'http://127.0.0.1:3000/api/meld/webhooks'; not ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function listen(server: Server, port: number, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new MeldTestingError('port-in-use', `the ${name} ${port} on ${HOST} is in use: pick another, or pass ${name}: 0 (or leave it out) for a free port.`, { cause: error })
          : new MeldTestingError('invalid-option', `could not listen on ${HOST}:${port} (${name}): ${error.message}`, { cause: error }),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

async function stop(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Starts a local Meld: the bank-linking API (MELD.md §2) with Meld's shapes,
 * status codes and error envelope, a widget page on its own origin, signed
 * webhooks, and a control API and page under `${url}/__sim/`. Both servers
 * listen on 127.0.0.1. Node 20+ only; close it when done.
 *
 * Meld's sandbox cannot exercise repair at all: this is how a host tests its
 * reconnect flow end to end.
 *
 * @example
 * const meld = await createMeldSimulator({
 *   webhookUrl: 'http://127.0.0.1:3000/api/meld/webhooks',
 *   connections: [{ id: 'conn_1', externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }],
 * });
 * const client = createMeldClient({ apiKey: meld.apiKey, baseUrl: meld.url });
 * await meld.setStatus('conn_1', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionMessage: 'Approve access in your bank app.' });
 * await meld.close();
 */
export async function createMeldSimulator(options: MeldSimulatorOptions = {}): Promise<MeldSimulator> {
  // Node itself, not the DOM's absence: a jsdom test environment may start a simulator too.
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new MeldTestingError('not-node', 'createMeldSimulator starts HTTP servers and runs in Node 20+ only (your tests, your dev server), never in a browser. In the browser, mock your host endpoints with hostApiHandlers().');
  }
  if (typeof options !== 'object' || options === null) {
    throw new MeldTestingError('invalid-option', 'createMeldSimulator takes an options object, e.g. createMeldSimulator({ webhookUrl }), or nothing.');
  }
  const port = checkPort(options.port, 'port');
  const widgetPort = checkPort(options.widgetPort, 'widgetPort');
  if (port !== 0 && port === widgetPort) {
    throw new MeldTestingError('invalid-option', `createMeldSimulator's widgetPort must differ from port (${port}): the widget page needs its own origin, as Meld's has. Leave widgetPort out for a free port.`);
  }
  const apiKey = options.apiKey ?? DEFAULT_KEY;
  if (typeof apiKey !== 'string' || apiKey.length === 0 || /\s/.test(apiKey)) {
    throw new MeldTestingError('invalid-option', "createMeldSimulator's apiKey must be a non-empty string without spaces (the key createMeldClient sends), or left out for 'sim_api_key'.");
  }
  const webhookSecret = options.webhookSecret ?? DEFAULT_SECRET;
  if (typeof webhookSecret !== 'string' || webhookSecret.length === 0) {
    throw new MeldTestingError('invalid-option', "createMeldSimulator's webhookSecret must be a non-empty string (the secret createWebhookHandler verifies with), or left out for 'sim_webhook_secret'.");
  }
  let webhookUrl = checkWebhookUrl(options.webhookUrl, "createMeldSimulator's webhookUrl");
  const webhookDelayMs = checkMs(options.webhookDelayMs, 'webhookDelayMs', 0);
  const webhookTimeoutMs = checkMs(options.webhookTimeoutMs, 'webhookTimeoutMs', 10_000);
  const tokenTtlMs = checkMs(options.tokenTtlMs, 'tokenTtlMs', 4 * 60 * 60 * 1000);
  const accountId = options.accountId ?? 'sim_account';
  const profileId = options.webhookProfileId ?? 'sim_webhook_profile';
  if (options.log !== undefined && typeof options.log !== 'function') {
    throw new MeldTestingError('invalid-option', "createMeldSimulator's log must be a function, e.g. log: (line) => console.warn(line).");
  }
  const log = (line: string) => {
    try {
      options.log?.(`[meld-sim] ${line}`);
    } catch {
      // a logger that throws must not break the simulator
    }
  };

  // Loaded here, not at import: the testing entry stays importable where Node's modules are not (hostApiHandlers in a browser).
  const [{ createServer }, { signMeldWebhook }, { toNodeHandler }] = await Promise.all([
    import('node:http'),
    import('../server/verifyMeldWebhook.js'),
    import('../server/toNodeHandler.js'),
  ]);

  const sender = new WebhookSender({ secret: webhookSecret, accountId, profileId, url: () => webhookUrl, delayMs: webhookDelayMs, timeoutMs: webhookTimeoutMs, sign: signMeldWebhook, log });
  const core = new SimulatorCore({ accountId, sender, seeds: options.connections ?? [], tokenTtlMs, log });

  let apiHandler: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  let widgetHandler: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  const onError = (error: unknown) => log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const apiServer = createServer(toNodeHandler((request) => apiHandler(request), { onError }));
  const widgetServer = createServer(toNodeHandler((request) => widgetHandler(request), { onError }));

  const apiPort = await listen(apiServer, port, 'port');
  let widgetOriginPort: number;
  try {
    widgetOriginPort = await listen(widgetServer, widgetPort, 'widgetPort');
  } catch (error) {
    await stop(apiServer);
    throw error;
  }
  const url = `http://${HOST}:${apiPort}`;
  const widgetOrigin = `http://${HOST}:${widgetOriginPort}`;
  let closed = false;
  const open = (what: string) => {
    if (closed) throw new MeldTestingError('closed', `${what}: this simulator was closed; create a new one.`);
  };

  const simulator: MeldSimulator = {
    url,
    widgetOrigin,
    controlUrl: `${url}${CONTROL_PREFIX}/`,
    apiKey,
    webhookSecret,
    get webhookUrl() {
      return webhookUrl;
    },
    setWebhookUrl(next) {
      webhookUrl = checkWebhookUrl(next, 'setWebhookUrl');
      log(`webhook URL: ${webhookUrl ?? 'none'}`);
    },
    addConnection(seed) {
      open('addConnection');
      return core.addConnection(seed);
    },
    getConnection(id) {
      const connection = core.store.get(id);
      return connection ? copyConnection(connection) : undefined;
    },
    listConnections: () => core.store.all().map(copyConnection),
    async setStatus(connectionId, status, statusReason, extra) {
      open('setStatus');
      return core.setStatus(connectionId, status, statusReason, extra);
    },
    scriptWidget(connectionId, behaviour, scriptOptions) {
      open('scriptWidget');
      core.scriptWidget(connectionId, behaviour, scriptOptions);
    },
    failNextRefresh(connectionId, status = 429) {
      open('failNextRefresh');
      if (status !== 429 && status !== 409 && status !== 500) {
        throw new MeldTestingError('invalid-option', `failNextRefresh: status is 429 (the provider's rate limit), 409 or 500, not ${JSON.stringify(status)}. failNext('refresh', { status }) takes any error status.`);
      }
      core.store.require(connectionId, 'failNextRefresh');
      core.failNext('refresh', { connectionId, status, ...(status === 409 ? { code: 'CONNECTION_NOT_REFRESHABLE' } : {}) });
    },
    failNext(operation, failOptions) {
      open('failNext');
      core.failNext(operation, failOptions);
    },
    scriptRefresh(connectionId, script) {
      open('scriptRefresh');
      core.scriptRefresh(connectionId, script);
    },
    async redeliverWebhook(eventId) {
      open('redeliverWebhook');
      const delivery = sender.redeliver(eventId);
      if (!delivery) throw new MeldTestingError('unknown-webhook', `redeliverWebhook: no webhook with eventId ${JSON.stringify(eventId)} was sent; see webhooks().`);
      return delivery;
    },
    requests: () => core.requests(),
    webhooks: () => sender.deliveries(),
    settled: () => sender.settled(),
    reset(connections) {
      open('reset');
      core.reset(connections);
      log('reset');
    },
    async close() {
      if (closed) return;
      closed = true;
      core.close();
      await Promise.all([stop(apiServer), stop(widgetServer)]);
      log('closed');
    },
  };

  const meldApi = createMeldApi(core, { apiKey, widgetOrigin });
  const control = createControlApi(simulator);
  apiHandler = async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`)) return control(request);
    // A person who opens the API's address lands on the control page.
    if (pathname === '/' && request.method === 'GET') return new Response(null, { status: 302, headers: { location: `${CONTROL_PREFIX}/` } });
    if (pathname === '/favicon.ico') return new Response(null, { status: 204 });
    return meldApi(request);
  };
  widgetHandler = createWidgetApp(core, widgetOrigin);
  log(`Meld API ${url}, widget ${widgetOrigin}, control ${simulator.controlUrl}`);
  return simulator;
}
