// Helpers for the simulator's tests: a webhook receiver on 127.0.0.1 that
// keeps the raw bytes and headers (to verify signatures independently), and
// small HTTP shorthands for the simulator's Meld API and widget endpoints.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { expect } from 'vitest';
import { MeldApiError } from '../../src/server/index.js';
import type { MeldSimulator } from '../../src/testing/index.js';

export interface ReceivedWebhook {
  rawBody: string;
  headers: IncomingHttpHeaders;
  json: { eventType: string; eventId: string; timestamp: string; accountId: string; profileId: unknown; version: string; payload: Record<string, unknown> };
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** What the next answers are: a status, or `hang` (never answer). */
  answer: { status: number; hang?: boolean; delayMs?: number };
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/webhooks/meld'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const hanging = new Set<() => void>();
  const receiver: Partial<WebhookReceiver> = { received, answer: { status: 200 } };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    received.push({ rawBody, headers: req.headers, json: JSON.parse(rawBody) as ReceivedWebhook['json'], at: performance.now() });
    const { status, hang, delayMs } = receiver.answer!;
    if (hang) {
      await new Promise<void>((resolve) => {
        hanging.add(resolve);
        req.socket.once('close', resolve);
      });
      return;
    }
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"received":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${path}`;
  receiver.waitFor = async (count, timeoutMs = 5000) => {
    const started = Date.now();
    while (received.length < count) {
      if (Date.now() - started > timeoutMs) throw new Error(`expected ${count} webhooks, got ${received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  receiver.close = async () => {
    for (const resolve of hanging) resolve();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return receiver as WebhookReceiver;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // an HTML page or empty body
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A call to the simulated Meld API, with the right key and version unless told otherwise. */
export async function meldCall(
  sim: MeldSimulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `BASIC ${sim.apiKey}`, 'meld-version': '2026-02-03' },
): Promise<Answer> {
  return read(
    await fetch(`${sim.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }),
  );
}

/** A call to the control API under `/__sim`. */
export async function control(sim: MeldSimulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return read(
    await fetch(`${sim.url}/__sim${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

/** What the widget page's script sends when the customer presses "Sign in". */
export async function signIn(sim: MeldSimulator, token: string, extra: Record<string, unknown> = {}): Promise<Answer> {
  return read(
    await fetch(`${sim.widgetOrigin}/widget/api/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, username: 'alex', password: 'correct horse', ...extra }),
    }),
  );
}

/** What the widget page's script sends on "Cancel". */
export async function cancelWidget(sim: MeldSimulator, token: string): Promise<Answer> {
  return read(await fetch(`${sim.widgetOrigin}/widget/api/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) }));
}

/** Opens a repair session through the Meld API; returns the connect token and widget URL. */
export async function repairSession(sim: MeldSimulator, connectionId: string): Promise<{ token: string; widgetUrl: string }> {
  const answer = await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId });
  if (answer.status !== 201) throw new Error(`repair answered ${answer.status}: ${answer.text}`);
  return { token: answer.json.connectToken as string, widgetUrl: answer.json.widgetUrl as string };
}

export async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Awaits a call expected to fail with MeldApiError, and returns the error. */
export async function meldFailure(promise: Promise<unknown>): Promise<MeldApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeldApiError);
  return error as MeldApiError;
}
