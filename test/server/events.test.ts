import { QueryClient } from '@tanstack/react-query';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconnectKitKeys, type Connection } from '../../src/core/index.js';
import { applyStatusChange } from '../../src/hooks/applyStatusChange.js';
import {
  createMeldClient,
  createMemoryEventBus,
  createReconnectHandler,
  createWebhookHandler,
  type BrowserStatusEvent,
  type ConnectionEvent,
  type EventBus,
  type MemoryEventBus,
  type ReconnectHandler,
  type ReconnectHandlerOptions,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';
import { serve, type Served } from './helpers/serve.js';
import { openSse, type SseClient } from './helpers/sse.js';
import { SECRET, signedRequest, statusChange } from './helpers/webhooks.js';

const BASE = '/api/meld';
let meld: FakeMeld;
let served: Served;
let bus: MemoryEventBus;
let reconnect: ReconnectHandler;
let webhook: (request: Request) => Promise<Response>;
let clients: SseClient[];
let errors: unknown[];

function build(overrides: Partial<ReconnectHandlerOptions> = {}) {
  reconnect?.close();
  reconnect = createReconnectHandler({
    meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url }),
    authorize: (request) => {
      const user = request.headers.get('x-user') ?? new URL(request.url).searchParams.get('as');
      return user ? { externalCustomerId: user } : null;
    },
    basePath: BASE,
    bus,
    events: { heartbeatMs: 50, retryMs: 1500 },
    onError: (error) => errors.push(error),
    ...overrides,
  });
}

async function stream(user: string, headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const client = await openSse(`${served.url}${BASE}/events${query}`, { 'x-user': user, ...headers });
  clients.push(client);
  return client;
}

/** Meld delivers a signed STATUS_CHANGE over HTTP. */
async function deliver(payload: Parameters<typeof statusChange>[0], eventId?: string): Promise<ReturnType<typeof statusChange>> {
  const envelope = statusChange(payload, eventId);
  const target = `${served.url}${BASE}/webhooks`;
  const request = signedRequest(envelope, { url: target });
  const response = await fetch(target, { method: 'POST', headers: request.headers, body: await request.text() });
  expect(response.status).toBe(200);
  return envelope;
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const dataOf = (client: SseClient) => client.events.map((e) => JSON.parse(e.data) as BrowserStatusEvent);

beforeAll(async () => {
  meld = await startFakeMeld();
  served = await serve((request) => (new URL(request.url).pathname === `${BASE}/webhooks` ? webhook(request) : reconnect(request)));
});
afterAll(async () => {
  reconnect.close();
  await served.close();
  await meld.close();
});
beforeEach(() => {
  bus = createMemoryEventBus();
  clients = [];
  errors = [];
  build();
  webhook = createWebhookHandler({ secret: SECRET, url: `${served.url}${BASE}/webhooks`, bus });
});
afterEach(() => {
  for (const client of clients) client.close();
});

describe('GET {base}/events', () => {
  it('should answer an event stream with a retry hint and heartbeat comments', async () => {
    const alice = await stream('alice');
    expect(alice.status).toBe(200);
    expect(alice.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(alice.headers['cache-control']).toBe('no-store, no-transform');
    await until(() => alice.comments >= 3);
    expect(alice.retry).toBe(1500);
  });

  it("given webhooks for two customers, should deliver each only to that customer's streams", async () => {
    const alice = await stream('alice');
    const aliceTab2 = await stream('alice');
    const bob = await stream('bob');
    await until(() => reconnect.stats().events.streams === 3);
    await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' });
    await deliver({ connectionId: 'b1', externalCustomerId: 'bob', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' });
    await alice.waitForCount(1);
    await aliceTab2.waitForCount(1);
    await bob.waitForCount(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(dataOf(alice).map((e) => e.payload.connectionId)).toEqual(['a1']);
    expect(dataOf(aliceTab2).map((e) => e.payload.connectionId)).toEqual(['a1']);
    expect(dataOf(bob).map((e) => e.payload.connectionId)).toEqual(['b1']);
    expect(alice.events[0]!.id).toMatch(/^[\w.:-]+$/);
    expect(alice.events[0]!.event).toBeUndefined(); // the default `message` event: EventSource.onmessage gets it
  });

  it("should send data the browser's applyStatusChange accepts: status change and deletion", async () => {
    const queryClient = new QueryClient();
    const connection = (id: string, status: string, statusReason: string | null): Connection => ({ id, status, statusReason });
    queryClient.setQueryData(reconnectKitKeys.detail('a1'), connection('a1', 'ACTIVE', null));
    queryClient.setQueryData(reconnectKitKeys.list(), [connection('a1', 'ACTIVE', null), connection('a2', 'ACTIVE', null)]);
    const alice = await stream('alice');
    await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' });
    const envelope = { eventType: 'BANK_LINKING_CONNECTION_DELETED', eventId: 'evt_deleted_a2', timestamp: new Date().toISOString(), payload: { connectionId: 'a2', externalCustomerId: 'alice' } };
    const target = `${served.url}${BASE}/webhooks`;
    const request = signedRequest(envelope, { url: target });
    await fetch(target, { method: 'POST', headers: request.headers, body: await request.text() });
    await alice.waitForCount(2);
    for (const event of alice.events) {
      expect(applyStatusChange(queryClient, JSON.parse(event.data), { eventId: event.id, broadcast: false })).toBe(true);
    }
    expect(queryClient.getQueryData<Connection>(reconnectKitKeys.detail('a1'))).toMatchObject({ status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
    expect(queryClient.getQueryData<Connection[]>(reconnectKitKeys.list())!.map((c) => c.id)).toEqual(['a1']);
    // A replayed duplicate is ignored by the browser.
    expect(applyStatusChange(queryClient, JSON.parse(alice.events[0]!.data), { broadcast: false })).toBe(false);
  });

  describe('resume', () => {
    async function missedWhileAway(resume: (lastId: string) => Promise<SseClient>) {
      const first = await stream('alice');
      await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' }, 'evt_r1');
      await first.waitForCount(1);
      const lastId = first.events[0]!.id!;
      first.close();
      await until(() => reconnect.stats().events.streams === 0);
      await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' }, 'evt_r2');
      await deliver({ connectionId: 'b1', externalCustomerId: 'bob', newStatus: 'ACTIVE' }, 'evt_bob');
      await deliver({ connectionId: 'a2', externalCustomerId: 'alice', newStatus: 'ACTIVE', newStatusReason: 'NEW_ACCOUNTS_AVAILABLE' }, 'evt_r3');
      const again = await resume(lastId);
      await again.waitForCount(2);
      await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'ACTIVE' }, 'evt_r4');
      await again.waitForCount(3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(dataOf(again).map((e) => e.eventId)).toEqual(['evt_r2', 'evt_r3', 'evt_r4']);
    }

    it('given Last-Event-ID (the browser reconnecting by itself), should replay what was missed, in order, then go live', async () => {
      await missedWhileAway((lastId) => stream('alice', { 'last-event-id': lastId }));
    });

    it('given ?lastEventId= (the kit opening a new stream), should do the same', async () => {
      await missedWhileAway((lastId) => stream('alice', {}, `?lastEventId=${encodeURIComponent(lastId)}`));
    });

    it("given an id the buffer no longer holds, should replay the customer's buffered events (the browser drops repeats)", async () => {
      await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' }, 'evt_u1');
      await deliver({ connectionId: 'b1', externalCustomerId: 'bob', newStatus: 'ACTIVE' }, 'evt_u2');
      const again = await stream('alice', { 'last-event-id': 'gone-123' });
      await again.waitForCount(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(dataOf(again).map((e) => e.eventId)).toEqual(['evt_u1']);
    });

    it('given no id, should send only new events', async () => {
      await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'ACTIVE' });
      const fresh = await stream('alice');
      await until(() => fresh.comments >= 2);
      expect(fresh.events).toEqual([]);
    });

    it('given a live event that arrives while the replay is read, should send each event once, replay first', async () => {
      const event = (id: string): ConnectionEvent => ({ id, externalCustomerId: 'alice', event: { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: `evt_${id}`, payload: { connectionId: 'a1', newStatus: 'ACTIVE' } } });
      let live: ((e: ConnectionEvent) => void) | undefined;
      const slowBus: EventBus = {
        publish: () => Promise.reject(new Error('unused')),
        subscribe: async (_customer, listener) => ((live = listener), () => (live = undefined)),
        replay: async () => {
          live?.(event('2')); // already in the replay
          live?.(event('3')); // new
          await new Promise((resolve) => setTimeout(resolve, 50));
          return [event('1'), event('2')];
        },
        close: async () => {},
      };
      build({ bus: slowBus });
      const client = await stream('alice', { 'last-event-id': '0' });
      await client.waitForCount(3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.events.map((e) => e.id)).toEqual(['1', '2', '3']);
    });
  });

  describe('lifecycle and bounds', () => {
    it('given clients disconnect, should close their streams and drop every subscription', async () => {
      const streams = await Promise.all(['alice', 'alice', 'bob'].map((user) => stream(user)));
      await until(() => reconnect.stats().events.streams === 3);
      expect(reconnect.stats().events.customers).toBe(2);
      expect(bus.stats()).toMatchObject({ customers: 2, listeners: 2 });
      for (const client of streams) client.close();
      await until(() => reconnect.stats().events.streams === 0);
      expect(reconnect.stats().events).toEqual({ streams: 0, customers: 0, bufferedBytes: 0 });
      expect(bus.stats()).toMatchObject({ customers: 0, listeners: 0 });
    });

    it('given more streams than maxStreamsPerCustomer, should close the oldest', async () => {
      build({ events: { heartbeatMs: 50, maxStreamsPerCustomer: 2 } });
      const first = await stream('alice');
      const second = await stream('alice');
      const third = await stream('alice');
      await first.ended;
      expect(reconnect.stats().events.streams).toBe(2);
      await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'ACTIVE' });
      await second.waitForCount(1);
      await third.waitForCount(1);
    });

    it('given maxStreamsPerCustomer: 1 and four opens, should keep one stream open, stay subscribed and deliver to the newest', async () => {
      build({ events: { heartbeatMs: 50, maxStreamsPerCustomer: 1 } });
      const opened: SseClient[] = [];
      for (let i = 0; i < 4; i += 1) opened.push(await stream('alice'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(reconnect.stats().events).toMatchObject({ streams: 1, customers: 1 });
      await Promise.all(opened.slice(0, 3).map((client) => client.ended));
      expect(bus.stats()).toMatchObject({ customers: 1, listeners: 1 });
      await deliver({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' });
      await opened[3]!.waitForCount(1);
      for (let i = 0; i < 16; i += 1) opened.push(await stream('alice'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(reconnect.stats().events).toMatchObject({ streams: 1, customers: 1 });
      expect(bus.stats()).toMatchObject({ customers: 1, listeners: 1 });
    });

    it('given a client that stops reading, should drop its stream once it lags maxBufferedBytes', async () => {
      build({ events: { heartbeatMs: 60_000, maxBufferedBytes: 4096 } });
      const response = await reconnect(new Request(`http://h${BASE}/events`, { headers: { 'x-user': 'alice' } }));
      expect(response.status).toBe(200);
      expect(reconnect.stats().events.streams).toBe(1);
      for (let i = 0; i < 40; i += 1) {
        await bus.publish('alice', { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: `evt_lag_${i}`, payload: { connectionId: 'a1', newStatus: 'ACTIVE' } });
      }
      expect(reconnect.stats().events).toEqual({ streams: 0, customers: 0, bufferedBytes: 0 });
      await expect(response.body!.getReader().read()).rejects.toThrow(/fell behind/);
    });

    it('given the request is aborted, should close the stream and unsubscribe', async () => {
      const controller = new AbortController();
      const response = await reconnect(new Request(`http://h${BASE}/events`, { headers: { 'x-user': 'alice' }, signal: controller.signal }));
      expect(response.status).toBe(200);
      expect(bus.stats().listeners).toBe(1);
      controller.abort();
      expect(reconnect.stats().events.streams).toBe(0);
      await until(() => bus.stats().listeners === 0);
    });

    it('given the bus cannot subscribe, should answer 503 with Retry-After and report it', async () => {
      build({ bus: { ...bus, subscribe: () => Promise.reject(new Error('redis down')) } });
      const response = await reconnect(new Request(`http://h${BASE}/events`, { headers: { 'x-user': 'alice' } }));
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      await expect(response.json()).resolves.toMatchObject({ code: 'EVENTS_UNAVAILABLE' });
      expect(errors).toHaveLength(1);
      expect(reconnect.stats().events.streams).toBe(0);
    });

    it('given events: false, should answer 404', async () => {
      build({ events: false });
      expect((await reconnect(new Request(`http://h${BASE}/events`, { headers: { 'x-user': 'alice' } }))).status).toBe(404);
    });

    it('given many idle clients over many heartbeats, memory should not grow', async () => {
      build({ events: { heartbeatMs: 20 } });
      const gc = (globalThis as { gc?: () => void }).gc;
      expect(gc, 'the server project runs with --expose-gc').toBeTypeOf('function');
      const idle = await Promise.all(Array.from({ length: 200 }, (_, i) => stream(`idle_${i % 50}`)));
      await until(() => reconnect.stats().events.streams === 200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      gc!();
      const before = process.memoryUsage().heapUsed;
      const heartbeatsBefore = idle.reduce((n, c) => n + c.comments, 0);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      gc!();
      const after = process.memoryUsage().heapUsed;
      const heartbeats = idle.reduce((n, c) => n + c.comments, 0) - heartbeatsBefore;
      // ~75 heartbeats per client went out; none of it may stay behind.
      expect(heartbeats).toBeGreaterThan(200 * 30);
      expect(reconnect.stats().events).toMatchObject({ streams: 200, customers: 50 });
      expect(reconnect.stats().events.bufferedBytes).toBeLessThan(200 * 64);
      expect(bus.stats()).toMatchObject({ customers: 50, listeners: 50, buffered: 0 });
      expect(after - before).toBeLessThan(2 * 1024 * 1024);
      for (const client of idle) client.close();
      await until(() => reconnect.stats().events.streams === 0);
      expect(bus.stats()).toMatchObject({ customers: 0, listeners: 0 });
    });
  });
});

describe('meldConnection fixture sanity', () => {
  it('is Meld-shaped', () => {
    expect(meldConnection('x', 'y')).toMatchObject({ id: 'x', externalCustomerId: 'y', status: 'ACTIVE' });
  });
});
