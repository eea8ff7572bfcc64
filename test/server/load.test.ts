// A bounded load test, loopback only: 500 concurrent SSE clients and 5,000
// signed webhook deliveries, once on one instance (memory bus) and once on
// two instances sharing Redis (webhooks land on A, every stream is held by B).
// It is a benchmark: it asserts correctness (nothing lost, duplicated or
// misrouted), never timing; the figures go to bench/results/server-load.json.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createMeldClient,
  createMemoryEventBus,
  createReconnectHandler,
  createRedisEventBus,
  createWebhookHandler,
  type EventBus,
} from '../../src/server/index.js';
import { serve, type Served } from './helpers/serve.js';

const run = promisify(execFile);
const CLIENT = fileURLToPath(new URL('./load/loadClient.mjs', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../bench/results/server-load.json', import.meta.url));
const SECRET = 'whsec_load_test';
const SIGNED_URL = 'https://host.example/api/meld/webhooks';
const CLIENTS = 500;
const CUSTOMERS = 100;
const WEBHOOKS = 5000;

interface LoadResult {
  clients: number;
  webhooks: number;
  webhookAnswers: Record<string, number>;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicates: number;
  misrouted: number;
  streamsDroppedByServer: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  [key: string]: unknown;
}

const results: Record<string, unknown> = {};

afterAll(() => {
  const report = {
    measuredAt: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
    note: 'Loopback only. Server (handlers) in the Vitest worker; clients and the webhook sender in one child process; latency = webhook POST sent -> SSE event parsed by the client, same clock.',
    ...results,
  };
  mkdirSync(fileURLToPath(new URL('../../bench/results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nserver load test -> ${RESULTS}\n${JSON.stringify(results, null, 2)}\n`);
});

function backend(bus: EventBus) {
  const reconnect = createReconnectHandler({
    // Never called: the load test exercises webhooks and /events only.
    meld: createMeldClient({ apiKey: 'unused', baseUrl: 'http://127.0.0.1:9' }),
    authorize: (request) => {
      const user = request.headers.get('x-user');
      return user ? { externalCustomerId: user } : null;
    },
    basePath: '/api/meld',
    bus,
  });
  const webhook = createWebhookHandler({ secret: SECRET, url: SIGNED_URL, bus });
  return {
    reconnect,
    handle: (request: Request) => (new URL(request.url).pathname === '/api/meld/webhooks' ? webhook(request) : reconnect(request)),
  };
}

/** Runs the client process while sampling this (the server's) process memory. */
async function load(eventsUrl: string | string[], webhookTarget: string): Promise<LoadResult & { serverPeakRssMB: number; serverPeakHeapMB: number }> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  }, 100);
  try {
    const config = { eventsUrl, webhookTarget, signedUrl: SIGNED_URL, secret: SECRET, clients: CLIENTS, customers: CUSTOMERS, deliveries: WEBHOOKS, concurrency: 50, timeoutMs: 30_000 };
    const { stdout } = await run(process.execPath, [CLIENT, JSON.stringify(config)], { timeout: 60_000, maxBuffer: 1024 * 1024 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
    return { ...result, serverPeakRssMB: Math.round(peakRss / 1048576), serverPeakHeapMB: Math.round(peakHeap / 1048576) };
  } finally {
    clearInterval(sample);
  }
}

function expectCorrect(result: LoadResult) {
  expect(result.webhookAnswers).toEqual({ 200: WEBHOOKS });
  expect(result.expectedDeliveries).toBe(WEBHOOKS * (CLIENTS / CUSTOMERS));
  expect(result.lost).toBe(0);
  expect(result.delivered).toBe(result.expectedDeliveries);
  expect(result.duplicates).toBe(0);
  expect(result.misrouted).toBe(0);
  expect(result.streamsDroppedByServer).toBe(0);
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('server load (benchmark, loopback)', () => {
  it(`given ${CLIENTS} SSE clients and ${WEBHOOKS} webhooks on one instance (memory bus), should deliver every event once`, async () => {
    const bus = createMemoryEventBus();
    const { reconnect, handle } = backend(bus);
    const served: Served = await serve(handle);
    try {
      const result = await load(`${served.url}/api/meld/events`, `${served.url}/api/meld/webhooks`);
      results.memoryBus = result;
      expectCorrect(result);
      // Every stream closed by the clients leaves nothing behind.
      await until(() => reconnect.stats().events.streams === 0);
      expect(bus.stats()).toMatchObject({ customers: 0, listeners: 0 });
    } finally {
      reconnect.close();
      await served.close();
    }
  }, 120_000);

  it(`given ${CLIENTS} SSE clients on instance B and ${WEBHOOKS} webhooks on instance A (Redis bus), should deliver every event once`, async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `mrk-load-${Date.now()}:`;
    const busA = createRedisEventBus({ url: redisUrl, prefix, onError: () => {} });
    const busB = createRedisEventBus({ url: redisUrl, prefix, onError: () => {} });
    const a = backend(busA);
    const b = backend(busB);
    const servedA = await serve(a.handle);
    const servedB = await serve(b.handle);
    try {
      const result = await load(`${servedB.url}/api/meld/events`, `${servedA.url}/api/meld/webhooks`);
      results.redisBusTwoInstances = result;
      expectCorrect(result);
      await until(() => b.reconnect.stats().events.streams === 0);
      await until(() => busB.stats().customers === 0);
    } finally {
      a.reconnect.close();
      b.reconnect.close();
      await servedA.close();
      await servedB.close();
      await busA.close();
      await busB.close();
    }
  }, 120_000);
});
