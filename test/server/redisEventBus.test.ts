// Two instances of the host backend sharing one real redis-server (started
// on a loopback port by redisSetup.ts): the webhook lands on one instance,
// the customer's stream is held by the other.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createMeldClient,
  createReconnectHandler,
  createRedisEventBus,
  createWebhookHandler,
  type BrowserStatusEvent,
  type RedisEventBus,
  type WebhookHandlerOptions,
} from '../../src/server/index.js';
import { FAKE_KEY, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';
import { serve, type Served } from './helpers/serve.js';
import { openSse, type SseClient } from './helpers/sse.js';
import { SECRET, signedRequest, statusChange } from './helpers/webhooks.js';

const BASE = '/api/meld';
const redisUrl = inject('redisUrl');

interface Instance {
  name: string;
  bus: RedisEventBus;
  served: Served;
  close(): Promise<void>;
}

let meld: FakeMeld;
let prefix: string;
let instances: Instance[];
let clients: SseClient[];
let raw: ReturnType<typeof createClient>;

async function instance(name: string, webhookOptions: Partial<WebhookHandlerOptions> = {}): Promise<Instance> {
  const bus = createRedisEventBus({ url: redisUrl, prefix, replaySize: 20, onError: () => {} });
  const reconnect = createReconnectHandler({
    meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url }),
    authorize: (request) => ({ externalCustomerId: request.headers.get('x-user') ?? 'nobody' }),
    basePath: BASE,
    bus,
    events: { heartbeatMs: 1000 },
  });
  let webhook: (request: Request) => Promise<Response> = async () => new Response(null, { status: 500 });
  const served = await serve((request) => (new URL(request.url).pathname === `${BASE}/webhooks` ? webhook(request) : reconnect(request)));
  // Meld signs the one URL registered with it; a load balancer spreads deliveries over the instances.
  webhook = createWebhookHandler({ secret: SECRET, url: 'https://host.example/api/meld/webhooks', bus, ...webhookOptions });
  const made: Instance = {
    name,
    bus,
    served,
    close: async () => {
      reconnect.close();
      await served.close();
      await bus.close();
    },
  };
  instances.push(made);
  return made;
}

async function deliverTo(target: Instance, envelope: unknown): Promise<Response> {
  const request = signedRequest(envelope, { url: 'https://host.example/api/meld/webhooks' });
  return fetch(`${target.served.url}${BASE}/webhooks`, { method: 'POST', headers: request.headers, body: await request.text() });
}

async function stream(target: Instance, user: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await openSse(`${target.served.url}${BASE}/events`, { 'x-user': user, ...headers });
  clients.push(client);
  expect(client.status).toBe(200);
  return client;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ids = (client: SseClient) => client.events.map((e) => (JSON.parse(e.data) as BrowserStatusEvent).eventId);
const numsub = async (customer: string) => {
  const answer = (await raw.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}events:${customer}`])) as [string, number];
  return Number(answer[1]);
};

beforeAll(async () => {
  meld = await startFakeMeld();
  raw = createClient({ url: redisUrl });
  raw.on('error', () => {});
  await raw.connect();
});
afterAll(async () => {
  await raw.close();
  await meld.close();
});
beforeEach(() => {
  prefix = `mrk-test-${randomUUID().slice(0, 8)}:`;
  instances = [];
  clients = [];
});
afterEach(async () => {
  for (const client of clients) client.close();
  await Promise.all(instances.map((i) => i.close()));
});

describe('createRedisEventBus: several instances', () => {
  it("given a webhook on instance A, should reach the customer's stream on instance B, and no one else's", async () => {
    const a = await instance('A');
    const b = await instance('B');
    const aliceOnB = await stream(b, 'alice');
    const bobOnA = await stream(a, 'bob');
    await until(async () => (await numsub('alice')) === 1 && (await numsub('bob')) === 1);
    const response = await deliverTo(a, statusChange({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' }, 'evt_x1'));
    expect(response.status).toBe(200);
    await aliceOnB.waitForCount(1);
    expect(ids(aliceOnB)).toEqual(['evt_x1']);
    expect(JSON.parse(aliceOnB.events[0]!.data)).toMatchObject({ payload: { connectionId: 'a1', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bobOnA.events).toEqual([]);
  });

  it('given a stream that drops on A and resumes on B with Last-Event-ID, should replay what it missed', async () => {
    const a = await instance('A');
    const b = await instance('B');
    const first = await stream(a, 'alice');
    await until(async () => (await numsub('alice')) === 1);
    await deliverTo(a, statusChange({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' }, 'evt_m1'));
    await first.waitForCount(1);
    first.close();
    await until(async () => (await numsub('alice')) === 0);
    await deliverTo(b, statusChange({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' }, 'evt_m2'));
    await deliverTo(a, statusChange({ connectionId: 'b1', externalCustomerId: 'bob', newStatus: 'ACTIVE' }, 'evt_bob'));
    await deliverTo(a, statusChange({ connectionId: 'a2', externalCustomerId: 'alice', newStatus: 'ACTIVE', newStatusReason: 'NEW_ACCOUNTS_AVAILABLE' }, 'evt_m3'));
    const resumed = await stream(b, 'alice', { 'last-event-id': first.events[0]!.id! });
    await resumed.waitForCount(2);
    await deliverTo(a, statusChange({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'ACTIVE' }, 'evt_m4'));
    await resumed.waitForCount(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ids(resumed)).toEqual(['evt_m2', 'evt_m3', 'evt_m4']);
  });

  it('given Meld retries one eventId onto the other instance, should publish it once', async () => {
    const a = await instance('A');
    const b = await instance('B');
    const alice = await stream(b, 'alice');
    await until(async () => (await numsub('alice')) === 1);
    const envelope = statusChange({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'ACTIVE' }, `evt_dup_${prefix}`);
    expect((await deliverTo(a, envelope)).status).toBe(200);
    const retry = await deliverTo(b, envelope);
    expect(retry.status).toBe(200);
    await expect(retry.json()).resolves.toEqual({ received: true, duplicate: true });
    await alice.waitForCount(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(alice.events).toHaveLength(1);
  });

  it('given processing fails on A (500), should release the claim so the retry on B goes through', async () => {
    const a = await instance('A', { onEvent: () => Promise.reject(new Error('db down')) });
    const b = await instance('B');
    const alice = await stream(b, 'alice');
    await until(async () => (await numsub('alice')) === 1);
    const envelope = statusChange({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'ACTIVE' }, `evt_rel_${prefix}`);
    expect((await deliverTo(a, envelope)).status).toBe(500);
    expect((await deliverTo(b, envelope)).status).toBe(200);
    await alice.waitForCount(1);
  });

  it('given the last stream of a customer closes, should unsubscribe from Redis', async () => {
    const a = await instance('A');
    const streams = [await stream(a, 'carol'), await stream(a, 'carol')];
    await until(async () => (await numsub('carol')) === 1);
    expect(a.bus.stats()).toEqual({ customers: 1, listeners: 1 });
    streams[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await numsub('carol')).toBe(1);
    streams[1]!.close();
    await until(async () => (await numsub('carol')) === 0);
    expect(a.bus.stats()).toEqual({ customers: 0, listeners: 0 });
  });

  it('given many events, should keep a bounded replay list that expires', async () => {
    const a = await instance('A');
    for (let i = 0; i < 30; i += 1) {
      await a.bus.publish('dave', { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: `evt_b${i}`, payload: { connectionId: 'd1', newStatus: 'ACTIVE' } });
    }
    expect(await raw.lLen(`${prefix}replay:dave`)).toBe(20);
    expect(await raw.ttl(`${prefix}replay:dave`)).toBeGreaterThan(3000);
    const replayed = await a.bus.replay('dave', 'unknown');
    expect(replayed.map((e) => e.event.eventId)).toEqual(Array.from({ length: 20 }, (_, i) => `evt_b${i + 10}`));
  });

  it('given two instances publishing for one customer at once, should keep ids, replay and delivery in one order', async () => {
    const a = await instance('A');
    const b = await instance('B');
    const heard: string[] = [];
    const stop = await b.bus.subscribe('erin', (event) => heard.push(event.id));
    const event = (i: number): BrowserStatusEvent => ({ eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: `evt_o${i}`, payload: { connectionId: 'e1', newStatus: 'ACTIVE' } });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).bus.publish('erin', event(i))));
    await until(() => heard.length === 20 + 20);
    stop();
    const replayed = (await a.bus.replay('erin', 'none')).map((e) => e.id);
    const increasing = (ids: string[]) => ids.every((id, i) => i === 0 || Number(id) > Number(ids[i - 1]));
    expect(replayed).toHaveLength(20); // replaySize
    expect(increasing(replayed)).toBe(true);
    expect(increasing(heard)).toBe(true);
    expect(heard.slice(-20)).toEqual(replayed);
  });

  it('given a malformed message on a customer channel, should ignore it and keep delivering', async () => {
    const a = await instance('A');
    const alice = await stream(a, 'alice');
    await until(async () => (await numsub('alice')) === 1);
    const channel = `${prefix}events:alice`;
    await raw.publish(channel, 'not json');
    await raw.publish(channel, JSON.stringify({ id: '1', externalCustomerId: 'alice', event: { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: 'e', payload: { connectionId: 'a1', newStatus: '<b>' } } }));
    await raw.publish(channel, JSON.stringify({ id: '2', externalCustomerId: 'bob', event: { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: 'e2', payload: { connectionId: 'b1', newStatus: 'ACTIVE' } } }));
    await deliverTo(a, statusChange({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'ACTIVE' }, 'evt_ok'));
    await alice.waitForCount(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ids(alice)).toEqual(['evt_ok']);
  });

  it('given Redis is unreachable, should fail calls within operationTimeoutMs and close without hanging', async () => {
    const bus = createRedisEventBus({ url: 'redis://127.0.0.1:1', operationTimeoutMs: 200, onError: () => {} });
    const started = performance.now();
    await expect(bus.publish('alice', { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: 'e', payload: { connectionId: 'a1', newStatus: 'ACTIVE' } })).rejects.toThrow(/did not answer/);
    await expect(bus.subscribe('alice', () => {})).rejects.toThrow(/did not answer/);
    expect(performance.now() - started).toBeLessThan(2000);
    await bus.close();
  });

  it('given no url, should throw an error that names the fix', () => {
    expect(() => createRedisEventBus({} as never)).toThrow(/needs \{ url \}.*redis:\/\//);
  });
});
