// The whole backend path in Node: the Meld simulator -> the kit's
// createWebhookHandler (signature, dedupe) -> the event bus ->
// createReconnectHandler's /events stream, with the kit's browser client
// (createHostClient) calling the host endpoints.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHostClient, HostApiError, parseWidgetMessage, validateWidgetUrl, type HostApi } from '../../src/core/index.js';
import {
  createMeldClient,
  createMemoryEventBus,
  createReconnectHandler,
  createWebhookHandler,
  type BrowserStatusEvent,
  type MemoryEventBus,
  type ReconnectHandler,
} from '../../src/server/index.js';
import { createMeldSimulator, type MeldSimulator } from '../../src/testing/index.js';
import { serve, type Served } from '../server/helpers/serve.js';
import { openSse, type SseClient } from '../server/helpers/sse.js';
import { signIn, until } from './helpers.js';

const BASE = '/api/meld';
let sim: MeldSimulator;
let served: Served;
let bus: MemoryEventBus;
let reconnect: ReconnectHandler;
let webhook: (request: Request) => Promise<Response>;
let streams: SseClient[] = [];
let webhookErrors: unknown[];
let webhookUrl: string;

const SEEDS = [
  { id: 'conn_login', externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'Harbor Credit Union' },
  { id: 'conn_active', externalCustomerId: 'user_1', status: 'ACTIVE' },
  { id: 'conn_expired', externalCustomerId: 'user_1', status: 'EXPIRED' },
  { id: 'conn_stranger', externalCustomerId: 'user_2', status: 'RECONNECT_REQUIRED' },
];

function kit(user = 'user_1'): HostApi {
  return createHostClient({ baseUrl: `${served.url}${BASE}`, headers: { 'x-user': user } });
}

async function events(user = 'user_1'): Promise<SseClient> {
  const client = await openSse(`${served.url}${BASE}/events`, { 'x-user': user });
  expect(client.status).toBe(200);
  streams.push(client);
  // The stream is subscribed once its first comment arrives.
  await until(() => bus.stats().listeners > 0);
  return client;
}

const data = (client: SseClient) => client.events.map((e) => JSON.parse(e.data) as BrowserStatusEvent);

async function failure(promise: Promise<unknown>): Promise<HostApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostApiError);
  return error as HostApiError;
}

beforeAll(async () => {
  sim = await createMeldSimulator({ connections: SEEDS });
  served = await serve((request) => (new URL(request.url).pathname === `${BASE}/webhooks` ? webhook(request) : reconnect(request)));
  webhookUrl = `${served.url}${BASE}/webhooks`;
  sim.setWebhookUrl(webhookUrl);
  bus = createMemoryEventBus();
  const meld = createMeldClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  reconnect = createReconnectHandler({
    meld,
    authorize: (request) => {
      const user = request.headers.get('x-user');
      return user ? { externalCustomerId: user } : null;
    },
    basePath: BASE,
    bus,
    repairRateLimit: false,
    events: { heartbeatMs: 60_000 },
    // No enrichConnection: the bank's message is read from Meld's serviceProviderDetails by default.
  });
  webhook = createWebhookHandler({
    secret: sim.webhookSecret,
    url: webhookUrl,
    bus,
    meld,
    onError: (error) => webhookErrors.push(error),
  });
});
afterAll(async () => {
  for (const client of streams) client.close();
  reconnect.close();
  await served.close();
  await sim.close();
  await bus.close();
});
beforeEach(() => {
  for (const client of streams) client.close();
  streams = [];
  sim.reset();
  sim.setWebhookUrl(webhookUrl);
  webhookErrors = [];
});

describe('simulator -> createWebhookHandler -> createReconnectHandler', () => {
  it("repair through the host handler should return the simulator's widgetUrl, which the kit accepts with allowedHosts", async () => {
    const session = await kit().repairConnection('conn_login');
    expect(session).toEqual({ connectionId: 'conn_login', connectToken: expect.stringMatching(/^ct_/), widgetUrl: expect.any(String), institutionId: 'ins_harbor_credit_union' });
    expect(session.widgetUrl.startsWith(`${sim.widgetOrigin}/?connectToken=`)).toBe(true);
    expect(validateWidgetUrl(session.widgetUrl, { allowedHosts: [new URL(sim.widgetOrigin).host] }).origin).toBe(sim.widgetOrigin);
    expect(sim.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /bank-linking/connections/conn_login 200', // the ownership check
      'POST /bank-linking/connect/repair 201',
    ]);
  });

  it('a whole repair: widget sign-in -> STATUS_CHANGE verified by the handler -> the customer\'s /events stream -> ACTIVE on read', async () => {
    const stream = await events();
    const other = await events('user_2');
    const session = await kit().repairConnection('conn_login');
    const answer = await signIn(sim, session.connectToken);
    expect(parseWidgetMessage(answer.json.post)?.eventName).toBe('connect_complete');
    const event = await stream.waitFor((e) => e.data.includes('conn_login'));
    expect(JSON.parse(event.data)).toMatchObject({
      eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
      eventId: expect.any(String),
      payload: { connectionId: 'conn_login', oldStatus: 'RECONNECT_REQUIRED', oldStatusReason: 'LOGIN_REQUIRED', newStatus: 'ACTIVE', newStatusReason: null },
    });
    expect(await kit().getConnection('conn_login')).toMatchObject({ status: 'ACTIVE', statusReason: null });
    await sim.settled();
    // Every webhook was accepted (200); the status change and the freshness are pushed; nothing reached the other customer.
    expect(sim.webhooks().map((w) => [w.eventType, w.status])).toEqual([
      ['BANK_LINKING_CONNECTION_STATUS_CHANGE', 200],
      ['BANK_LINKING_CONNECTION_COMPLETED', 200],
      ['BANK_LINKING_ACCOUNTS_UPDATING', 200],
      ['BANK_LINKING_ACCOUNTS_UPDATED', 200],
    ]);
    await stream.waitFor((e) => e.data.includes('ACCOUNTS_UPDATED'));
    expect(data(stream).map((e) => e.eventType)).toEqual(['BANK_LINKING_CONNECTION_STATUS_CHANGE', 'BANK_LINKING_ACCOUNTS_UPDATED']);
    expect(data(stream)[1]!.payload).toEqual({ connectionId: 'conn_login', successfullyAggregatedAt: sim.getConnection('conn_login')!.successfullyAggregatedAt });
    expect(other.events).toHaveLength(0);
    expect(webhookErrors).toEqual([]);
  });

  it("setStatus should reach the /events stream with the bank's message read from serviceProviderDetails, and the connection answer carries it", async () => {
    const stream = await events();
    const message = 'Open the Harbor app and approve data sharing, then come back.';
    const delivery = await sim.setStatus('conn_active', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionMessage: message });
    expect(delivery).toMatchObject({ state: 'delivered', status: 200 });
    const event = await stream.waitFor((e) => e.data.includes('conn_active'));
    expect(JSON.parse(event.data).payload).toMatchObject({ connectionId: 'conn_active', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: message });
    const read = await kit().getConnection('conn_active');
    expect(read).toMatchObject({ status: 'DEGRADED', institutionMessage: message });
    // The provider's internals stay on the server: the browser gets the provider's name only.
    expect(read.serviceProviderDetails).toEqual({ serviceProvider: 'PLAID' });
    expect((await kit().listConnections()).find((c) => c.id === 'conn_active')).toMatchObject({ institutionMessage: message });
  });

  it('CUSTOMER_ACTION_REQUIRED (no documented payload): the handler reads the connection and the stream gets its status', async () => {
    const stream = await events();
    await sim.setStatus('conn_active', 'CUSTOMER_ACTION_REQUIRED', null);
    const event = await stream.waitFor((e) => e.data.includes('BANK_LINKING_CUSTOMER_ACTION_REQUIRED'));
    expect(JSON.parse(event.data)).toMatchObject({
      eventType: 'BANK_LINKING_CUSTOMER_ACTION_REQUIRED',
      payload: { connectionId: 'conn_active', newStatus: 'CUSTOMER_ACTION_REQUIRED', newStatusReason: null },
    });
    // The re-read is the ownership-free GET the handler makes with Meld's key.
    expect(sim.requests().filter((r) => r.path === '/bank-linking/connections/conn_active' && r.method === 'GET').length).toBeGreaterThanOrEqual(1);
    expect(webhookErrors).toEqual([]);
  });

  it('NEW_ACCOUNTS_AVAILABLE: the stream gets the connection as Meld reads it now', async () => {
    const stream = await events();
    await sim.setStatus('conn_active', 'ACTIVE', 'NEW_ACCOUNTS_AVAILABLE');
    const event = await stream.waitFor((e) => e.data.includes('BANK_LINKING_NEW_ACCOUNTS_AVAILABLE'));
    expect(JSON.parse(event.data).payload).toMatchObject({ connectionId: 'conn_active', newStatus: 'ACTIVE', newStatusReason: 'NEW_ACCOUNTS_AVAILABLE' });
  });

  it('a refresh through the host: ACCOUNTS_UPDATED moves "last updated" on the stream', async () => {
    const stream = await events();
    const before = sim.getConnection('conn_active')!.successfullyAggregatedAt!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await kit().refreshConnection('conn_active');
    const event = await stream.waitFor((e) => e.data.includes('BANK_LINKING_ACCOUNTS_UPDATED'));
    const at = JSON.parse(event.data).payload.successfullyAggregatedAt as string;
    expect(Date.parse(at)).toBeGreaterThan(Date.parse(before));
    expect((await kit().getConnection('conn_active')).successfullyAggregatedAt).toBe(at);
  });

  it('provider-failure: the stream says RECONNECT_REQUIRED with the new reason', async () => {
    const stream = await events();
    sim.scriptWidget('conn_login', 'provider-failure');
    const session = await kit().repairConnection('conn_login');
    await signIn(sim, session.connectToken);
    const event = await stream.waitFor((e) => e.data.includes('conn_login'));
    expect(JSON.parse(event.data).payload).toMatchObject({ newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'OTHER' });
  });

  it("Meld's retry of the same event (redeliverWebhook) is answered 200 and pushed once", async () => {
    const stream = await events();
    const first = await sim.setStatus('conn_active', 'RECONNECT_REQUIRED');
    const again = await sim.redeliverWebhook(first.eventId);
    expect(again).toMatchObject({ state: 'delivered', status: 200 });
    await stream.waitFor(() => true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(data(stream).filter((e) => e.eventId === first.eventId)).toHaveLength(1);
  });

  it('a webhook signed for another URL is refused with 401 (the URL is part of the signature)', async () => {
    sim.setWebhookUrl(`${served.url}${BASE}/webhooks?wrong=1`);
    const delivery = await sim.setStatus('conn_active', 'RECONNECT_REQUIRED');
    expect(delivery).toMatchObject({ state: 'failed', status: 401 });
  });

  it("delete through the host: Meld's CONNECTION_DELETED reaches the stream", async () => {
    const stream = await events();
    await kit().deleteConnection('conn_active');
    const event = await stream.waitFor((e) => e.data.includes('conn_active'));
    expect(JSON.parse(event.data)).toMatchObject({ eventType: 'BANK_LINKING_CONNECTION_DELETED', payload: { connectionId: 'conn_active' } });
  });

  it("Meld's refusals reach the browser as the contract's errors", async () => {
    // RECONNECT_REQUIRED cannot be refreshed; EXPIRED cannot be repaired.
    expect((await failure(kit().refreshConnection('conn_login'))).kind).toBe('conflict');
    expect((await failure(kit().repairConnection('conn_expired'))).kind).toBe('conflict');
    // The provider's rate limit, with Retry-After passed on.
    sim.failNextRefresh('conn_active');
    expect(await failure(kit().refreshConnection('conn_active'))).toMatchObject({ kind: 'rate-limited', retryAfter: 10_800 });
    expect((await kit().refreshConnection('conn_active')).requestId).toEqual(expect.any(String));
    // Another customer's connection looks unknown, and Meld is never asked to repair it.
    expect((await failure(kit().repairConnection('conn_stranger'))).kind).toBe('not-found');
    expect(sim.requests().filter((r) => r.path === '/bank-linking/connect/repair' && (r.body as { connectionId: string }).connectionId === 'conn_stranger')).toEqual([]);
  });

  it('the list is the customer\'s connections only', async () => {
    expect((await kit().listConnections()).map((c) => c.id)).toEqual(['conn_login', 'conn_active', 'conn_expired']);
    expect((await kit('user_2').listConnections()).map((c) => c.id)).toEqual(['conn_stranger']);
  });
});
