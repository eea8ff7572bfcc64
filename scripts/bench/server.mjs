#!/usr/bin/env node
// The host backend under load (a benchmark, not a test; not part of `npm test`).
// Two host-backend instances, each its own process (server-instance.mjs:
// createReconnectHandler + createWebhookHandler on createRedisEventBus, repair
// limits on createRedisRateLimiter), share one throwaway redis-server; all on
// 127.0.0.1. This process is the clients and Meld:
//
//   streams:    --streams SSE clients over --customers customers, each
//               customer's streams spread over both instances
//   webhooks:   --webhooks signed STATUS_CHANGEs (signed as verifyMeldWebhook
//               expects), alternately to either instance, --concurrency at a
//               time: events lost, duplicated, delivered to the wrong customer,
//               and webhook-to-stream latency (POST sent -> SSE event parsed,
//               one clock)
//   memory:     each instance's heap and RSS (after a GC) before and after the
//               streams open, per open stream
//   slow reader: one more stream stops reading while its customer's events
//               (1 KiB each, published straight to the customer's Redis
//               channel) keep coming: the kit's queued bytes and the instance's
//               memory until the kit drops the stream
//   flood:      a counting fake Meld; 5 repairs of an owned connection, then
//               --flood repairs of made-up ids over both instances, then the
//               owner again: how many requests reached Meld
//
// The kit runs as built by Vite from src/server (the package's code, not the
// dist of an earlier build). Prints a table and writes bench/results/server.json.
//
//   node scripts/bench/server.mjs [--streams 1000] [--customers 200] [--webhooks 10000] [--concurrency 4] [--flood 10050]
import { fork } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { startRedisServer } from '../redis.mjs';
import { buildServerForBench, machine, option, quantile, QUANTILES } from './common.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const resultsFile = join(root, 'bench/results/server.json');
const options = {
  streams: option('streams', 1000),
  customers: option('customers', 200),
  webhooks: option('webhooks', 10_000),
  concurrency: option('concurrency', 4),
  flood: option('flood', 10_050),
};
const SECRET = 'whsec_bench_server';
const SIGNED_URL = 'https://host.example/api/meld/webhooks';
const startedAt = performance.now();
const host = machine();
const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const customerOf = (i) => `bench_c${i % options.customers}`;

// -- the kit, built once ------------------------------------------------------
const serverModule = await buildServerForBench('mrk-bench-server');

// -- a counting fake Meld -----------------------------------------------------
const owned = new Map([
  ['bench_a1', 'alice'],
  ['bench_b1', 'bob'],
]);
const meldCounts = { lookups: 0, repairSessions: 0, other: 0 };
const meld = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const send = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const one = /^\/bank-linking\/connections\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && one) {
      meldCounts.lookups += 1;
      const id = decodeURIComponent(one[1]);
      const customer = owned.get(id);
      if (!customer) return send(404, { code: 'CONNECTION_NOT_FOUND', message: 'No such connection', requestId: `req_${meldCounts.lookups}` });
      return send(200, {
        id, accountId: 'acct_bench', customerId: `cus_${customer}`, externalCustomerId: customer, institutionId: 'inst_1',
        institutionName: 'First Bench Bank', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', products: ['BALANCES'],
        optionalProducts: [], regions: ['US'], serviceProviderDetails: { serviceProvider: 'MX' }, createdAt: '2026-01-01T00:00:00Z',
        successfullyAggregatedAt: '2026-01-01T00:05:00Z', duplicateConnectionIds: null, activeDuplicateConnectionId: null,
      });
    }
    if (req.method === 'POST' && path === '/bank-linking/connect/repair') {
      meldCounts.repairSessions += 1;
      const { connectionId } = JSON.parse(body || '{}');
      const token = `ct_${meldCounts.repairSessions}`;
      return send(201, { id: connectionId, connectToken: token, institutionId: 'inst_1', widgetUrl: `https://institution-connect-sb.meld.io/?connectToken=${token}` });
    }
    meldCounts.other += 1;
    send(404, { code: 'NOT_FOUND', message: 'No route' });
  });
});
await new Promise((resolve) => meld.listen(0, '127.0.0.1', resolve));
const meldUrl = `http://127.0.0.1:${meld.address().port}`;

// -- Redis and the two instances ----------------------------------------------
const redis = await startRedisServer();
const prefix = `mrk-bench-${randomUUID().slice(0, 8)}:`;
const raw = createClient({ url: redis.url });
raw.on('error', () => {});
await raw.connect();

function startInstance(name) {
  const child = fork(fileURLToPath(new URL('server-instance.mjs', import.meta.url)), [JSON.stringify({ module: serverModule, redisUrl: redis.url, prefix, meldUrl, secret: SECRET, signedUrl: SIGNED_URL })], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const waiting = new Map();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance ${name} exited (${code})`)));
    child.on('message', (message) => {
      if (message.ready) {
        const url = `http://127.0.0.1:${message.port}`;
        resolve({
          name,
          url,
          stats: () => new Promise((done) => {
            seq += 1;
            waiting.set(seq, done);
            child.send({ type: 'stats', id: seq });
          }),
          stop: () => new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', done);
            child.send({ type: 'stop' });
          }),
        });
      } else if (waiting.has(message.id)) {
        waiting.get(message.id)(message);
        waiting.delete(message.id);
      }
    });
  });
}
const instances = [await startInstance('A'), await startInstance('B')];

// -- SSE clients ---------------------------------------------------------------
const received = new Map(); // eventId -> receive times (one per stream that got it)
const tally = { duplicates: 0, wrongCustomer: 0, droppedByServer: 0 };
const sockets = [];
let stopping = false;

function openStream(url, customer, { onOpen } = {}) {
  return new Promise((resolve, reject) => {
    const seen = new Set();
    const req = request(`${url}/api/meld/events`, { agent: false, headers: { accept: 'text/event-stream', 'x-user': customer } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream for ${customer}: HTTP ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      let open = false;
      const handle = { res, closed: false };
      res.on('data', (chunk) => {
        buffer += chunk;
        let at;
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          if (!open && block.startsWith('retry:')) {
            open = true;
            onOpen?.(handle);
            resolve(handle);
            continue;
          }
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const now = performance.now();
          const { eventId, payload } = JSON.parse(data.slice(6));
          if (payload.connectionId !== `conn_${customer}`) tally.wrongCustomer += 1;
          if (seen.has(eventId)) {
            tally.duplicates += 1;
            continue;
          }
          seen.add(eventId);
          let times = received.get(eventId);
          if (!times) received.set(eventId, (times = []));
          times.push(now);
        }
      });
      res.on('close', () => {
        handle.closed = true;
        if (!stopping) tally.droppedByServer += 1;
      });
    });
    req.on('error', reject);
    req.end();
    sockets.push(req);
  });
}

const memoryOf = async () => Promise.all(instances.map((i) => i.stats()));
const before = await memoryOf();

const streamsPerCustomer = new Map();
const connectStarted = performance.now();
for (let i = 0; i < options.streams; i += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, options.streams - i) }, (_, j) => {
      const n = i + j;
      const customer = customerOf(n);
      streamsPerCustomer.set(customer, (streamsPerCustomer.get(customer) ?? 0) + 1);
      // A customer's streams alternate between the instances, and so do the customers' first ones.
      return openStream(instances[(n + Math.floor(n / options.customers)) % 2].url, customer);
    }),
  );
}
const connectMs = performance.now() - connectStarted;
await new Promise((resolve) => setTimeout(resolve, 1000));
const open = await memoryOf();
const perStream = (field) =>
  round(instances.reduce((sum, _, k) => sum + (open[k].memory[field] - before[k].memory[field]), 0) / open.reduce((n, s) => n + s.stats.events.streams, 0) / 1024, 1);

// -- webhooks --------------------------------------------------------------------
const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
const sentAt = new Map();
const answers = {};
const runId = randomUUID().slice(0, 8);

function sendWebhook(k) {
  const customer = customerOf(k);
  const eventId = `bench_${runId}_${k}`;
  const body = JSON.stringify({
    eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
    eventId,
    timestamp: new Date().toISOString(),
    accountId: 'acct_bench',
    profileId: null,
    version: '2026-02-03',
    payload: {
      customerId: `cus_${customer}`, externalCustomerId: customer, connectionId: `conn_${customer}`, institutionId: 'inst_1',
      oldStatus: 'ACTIVE', oldStatusReason: null, newStatus: k % 2 ? 'ACTIVE' : 'RECONNECT_REQUIRED', newStatusReason: k % 2 ? null : 'LOGIN_REQUIRED',
      activeDuplicateConnectionId: null, serviceProviderDetails: { serviceProvider: 'MX' },
    },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${SIGNED_URL}.${body}`).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return new Promise((resolve) => {
    const req = request(`${instances[k % 2].url}/api/meld/webhooks`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'meld-signature': signature, 'meld-signature-timestamp': timestamp },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        answers[res.statusCode] = (answers[res.statusCode] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', () => {
      answers.error = (answers.error ?? 0) + 1;
      resolve();
    });
    sentAt.set(eventId, performance.now());
    req.end(body);
  });
}

const sendStarted = performance.now();
let next = 0;
await Promise.all(Array.from({ length: options.concurrency }, async () => {
  while (next < options.webhooks) await sendWebhook(next++);
}));
const sendMs = performance.now() - sendStarted;
let expected = 0;
for (let k = 0; k < options.webhooks; k += 1) expected += streamsPerCustomer.get(customerOf(k)) ?? 0;
const count = () => [...received.values()].reduce((n, times) => n + times.length, 0);
const waitStarted = performance.now();
while (count() < expected && performance.now() - waitStarted < 30_000) await new Promise((resolve) => setTimeout(resolve, 20));
const delivered = count();
const latencies = [];
for (const [eventId, times] of received) for (const at of times) latencies.push(at - sentAt.get(eventId));
const afterWebhooks = await memoryOf();

// -- one slow reader ------------------------------------------------------------
const slowCustomer = 'bench_slow';
const slowInstance = instances[0];
await openStream(slowInstance.url, slowCustomer, { onOpen: (handle) => handle.res.pause() });
const slowBefore = await slowInstance.stats();
const channel = `${prefix}events:${slowCustomer}`;
const message = (n) => JSON.stringify({
  id: `slow-${n}`,
  externalCustomerId: slowCustomer,
  event: { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: `slow_${n}`, payload: { connectionId: `conn_${slowCustomer}`, newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: 'x'.repeat(1000) } },
});
const frameBytes = Buffer.byteLength(`id: slow-0\ndata: ${JSON.stringify(JSON.parse(message(0)).event)}\n\n`);
let slowPublished = 0;
let slowPeak = { bufferedBytes: 0, heapUsed: 0, rss: 0 };
let slowDropped = false;
// The paused client cannot see the close (it is behind unread bytes): the instance's count tells.
while (!slowDropped && slowPublished < 60_000) {
  await Promise.all(Array.from({ length: 100 }, () => raw.publish(channel, message(slowPublished++))));
  const sample = await slowInstance.stats();
  slowDropped = sample.stats.events.streams < slowBefore.stats.events.streams;
  slowPeak = {
    bufferedBytes: Math.max(slowPeak.bufferedBytes, sample.stats.events.bufferedBytes),
    heapUsed: Math.max(slowPeak.heapUsed, sample.memory.heapUsed - slowBefore.memory.heapUsed),
    rss: Math.max(slowPeak.rss, sample.memory.rss - slowBefore.memory.rss),
  };
}
await new Promise((resolve) => setTimeout(resolve, 200));
const slowAfter = await slowInstance.stats();

// -- repair rate-limit flood ------------------------------------------------------
const repair = (k, user, id) =>
  new Promise((resolve) => {
    const req = request(`${instances[k % 2].url}/api/meld/connections/${encodeURIComponent(id)}/repair`, { method: 'POST', agent, headers: { 'x-user': user, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve('error'));
    req.end();
  });
const statuses = async (list) => {
  const out = {};
  for (const status of await list) out[status] = (out[status] ?? 0) + 1;
  return out;
};
const floodAgent = new Agent({ keepAlive: true, maxSockets: 50 });
const meldBefore = { ...meldCounts };
const ownerBefore = [];
for (let k = 0; k < 6; k += 1) ownerBefore.push(await repair(k, 'alice', 'bench_a1'));
const floodMeld = { ...meldCounts };
const floodStatuses = {};
const floodStarted = performance.now();
let floodNext = 0;
await Promise.all(Array.from({ length: 50 }, async () => {
  while (floodNext < options.flood) {
    const k = floodNext++;
    const status = await new Promise((resolve) => {
      const req = request(`${instances[k % 2].url}/api/meld/connections/made_up_${k}/repair`, { method: 'POST', agent: floodAgent, headers: { 'x-user': 'mallory', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', () => resolve('error'));
      req.end();
    });
    floodStatuses[status] = (floodStatuses[status] ?? 0) + 1;
  }
}));
const floodMs = performance.now() - floodStarted;
const duringFlood = { lookups: meldCounts.lookups - floodMeld.lookups, repairSessions: meldCounts.repairSessions - floodMeld.repairSessions };
const ownerAfter = await statuses(Promise.all(Array.from({ length: 5 }, (_, k) => repair(k, 'alice', 'bench_a1'))));
const otherCustomer = await statuses(Promise.all(Array.from({ length: 6 }, (_, k) => repair(k, 'bob', 'bench_b1'))));
const meldTotal = { lookups: meldCounts.lookups - meldBefore.lookups, repairSessions: meldCounts.repairSessions - meldBefore.repairSessions };

// -- report --------------------------------------------------------------------------
stopping = true;
for (const req of sockets) req.destroy();
agent.destroy();
floodAgent.destroy();
await Promise.all(instances.map((i) => i.stop()));
await raw.close();
await redis.stop();
await new Promise((resolve) => meld.close(resolve));

const sum = (list, field) => list.reduce((n, s) => n + s.memory[field], 0);
const result = {
  options,
  streams: { open: open.reduce((n, s) => n + s.stats.events.streams, 0), perInstance: open.map((s) => s.stats.events.streams), customers: options.customers, connectMs: Math.round(connectMs) },
  memoryPerStreamKiB: { heapUsed: perStream('heapUsed'), rss: perStream('rss'), external: perStream('external') },
  instancesMiB: {
    before: { heapUsed: round(sum(before, 'heapUsed') / 1048576, 1), rss: round(sum(before, 'rss') / 1048576, 1) },
    streamsOpen: { heapUsed: round(sum(open, 'heapUsed') / 1048576, 1), rss: round(sum(open, 'rss') / 1048576, 1) },
    afterWebhooks: { heapUsed: round(sum(afterWebhooks, 'heapUsed') / 1048576, 1), rss: round(sum(afterWebhooks, 'rss') / 1048576, 1) },
  },
  webhooks: {
    sent: options.webhooks,
    answers,
    expectedDeliveries: expected,
    delivered,
    lost: expected - delivered,
    duplicated: tally.duplicates,
    wrongCustomer: tally.wrongCustomer,
    streamsDroppedByServer: tally.droppedByServer,
    perSecond: Math.round(options.webhooks / (sendMs / 1000)),
    latencyMs: { p50: round(quantile(latencies, 0.5)), p90: round(quantile(latencies, 0.9)), p99: round(quantile(latencies, 0.99)), max: round(Math.max(...latencies)) },
  },
  slowReader: {
    frameBytes,
    publishedBeforeDrop: slowPublished,
    bytesPublished: slowPublished * frameBytes,
    dropped: slowDropped,
    peakQueuedBytesInKit: slowPeak.bufferedBytes,
    peakHeapGrowthKiB: round(slowPeak.heapUsed / 1024, 1),
    peakRssGrowthKiB: round(slowPeak.rss / 1024, 1),
    afterDrop: { streams: slowAfter.stats.events.streams, bufferedBytes: slowAfter.stats.events.bufferedBytes, heapGrowthKiB: round((slowAfter.memory.heapUsed - slowBefore.memory.heapUsed) / 1024, 1) },
  },
  repairFlood: {
    ownerFirstSix: ownerBefore,
    flood: { requests: options.flood, answers: floodStatuses, ms: Math.round(floodMs), meldLookups: duringFlood.lookups, meldRepairSessions: duringFlood.repairSessions },
    ownerAfterFlood: ownerAfter,
    otherCustomerSixRepairs: otherCustomer,
    meldTotal,
  },
};

const rows = [
  ['open streams (instances A + B)', `${result.streams.open} (${result.streams.perInstance.join(' + ')}), ${options.customers} customers`],
  ['memory per open stream, heap (after GC)', `${result.memoryPerStreamKiB.heapUsed} KiB`],
  ['memory per open stream, RSS', `${result.memoryPerStreamKiB.rss} KiB`],
  ['webhooks sent (signed) / answers', `${options.webhooks} / ${JSON.stringify(answers)}`],
  ['events expected / delivered', `${expected} / ${delivered}`],
  ['events lost', String(result.webhooks.lost)],
  ['events duplicated', String(tally.duplicates)],
  ['events to the wrong customer', String(tally.wrongCustomer)],
  ['streams the server dropped', String(tally.droppedByServer)],
  ['webhook -> stream latency p50 / p99 / max', `${result.webhooks.latencyMs.p50} / ${result.webhooks.latencyMs.p99} / ${result.webhooks.latencyMs.max} ms (target p99 <= 20 ms)`],
  ['webhook throughput', `${result.webhooks.perSecond}/s at ${options.concurrency} in flight`],
  ['slow reader: published until dropped', `${slowPublished} events, ${round((slowPublished * frameBytes) / 1048576, 1)} MiB (${slowDropped ? 'then dropped' : 'NOT dropped'}; 100 per sample)`],
  ['slow reader: peak queued bytes in the kit', `${round(slowPeak.bufferedBytes / 1024, 1)} KiB (cap 256 KiB)`],
  ['slow reader: peak heap / RSS growth', `${result.slowReader.peakHeapGrowthKiB} KiB / ${result.slowReader.peakRssGrowthKiB} KiB`],
  ['slow reader: after the drop', `queued ${slowAfter.stats.events.bufferedBytes} B, heap ${result.slowReader.afterDrop.heapGrowthKiB} KiB over before`],
  ['owner: 6 repairs', ownerBefore.join(' ')],
  [`flood: ${options.flood} made-up ids (mallory)`, `${JSON.stringify(floodStatuses)} in ${(floodMs / 1000).toFixed(1)} s`],
  ['requests that reached Meld during the flood', `${duringFlood.lookups} lookups, ${duringFlood.repairSessions} repair sessions`],
  ['owner after the flood: 5 repairs', JSON.stringify(ownerAfter)],
  ['another customer: 6 repairs', JSON.stringify(otherCustomer)],
  ['Meld total (owner + flood + other)', `${meldTotal.lookups} lookups, ${meldTotal.repairSessions} repair sessions`],
];
console.log(`\nhost backend: 2 instances + redis-server on 127.0.0.1; load average ${host.loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, ${cpus().length} CPUs`);
for (const [label, value] of rows) console.log(`  ${label.padEnd(46)}${value}`);

await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(resultsFile, `${JSON.stringify({ measuredAt: new Date().toISOString(), environment: host.finish(undefined, { quantiles: QUANTILES }), ...result }, null, 2)}\n`);
console.log(`\nwrote ${resultsFile.slice(root.length)} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
const failed = result.webhooks.lost + tally.duplicates + tally.wrongCustomer > 0 || !slowDropped;
process.exit(failed ? 1 : 0);
