// The client side of the server load test, run as its own Node process so
// the server under test has its process to itself: opens many SSE streams
// (spread over customers), then sends signed webhooks like Meld, and measures
// webhook-to-client latency on this process' clock. Loopback only.
// Prints one JSON result on stdout.
//
//   node loadClient.mjs '{"eventsUrl":..., "webhookTarget":..., "signedUrl":..., "secret":..., ...}'
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

const config = JSON.parse(process.argv[2] ?? '{}');
const {
  eventsUrl, // may be a list: streams are spread over the URLs (instances)
  webhookTarget,
  signedUrl,
  secret,
  clients: clientCount = 500,
  customers: customerCount = 100,
  deliveries = 5000,
  concurrency = 50,
  timeoutMs = 30_000,
} = config;
for (const url of [eventsUrl, webhookTarget].flat()) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url ?? '')) throw new Error(`loopback URLs only, got ${url}`);
}
const streamUrls = [eventsUrl].flat();

const now = () => performance.timeOrigin + performance.now();
const customerOf = (i) => `load_customer_${i % customerCount}`;

// eventId -> receive times; duplicates counted per (client, eventId)
const received = new Map();
let duplicates = 0;
let unexpected = 0;
let droppedStreams = 0;
const sockets = [];

function openStream(index) {
  return new Promise((resolve, reject) => {
    const seen = new Set();
    const req = request(streamUrls[index % streamUrls.length], { agent: false, headers: { accept: 'text/event-stream', 'x-user': customerOf(index) } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream ${index}: HTTP ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      let ready = false;
      res.on('data', (chunk) => {
        buffer += chunk;
        let at;
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          if (!ready && block.startsWith('retry:')) {
            ready = true;
            resolve();
            continue;
          }
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const at2 = now();
          const { eventId, payload } = JSON.parse(data.slice(6));
          if (payload.connectionId !== `conn_${customerOf(index)}`) unexpected += 1;
          if (seen.has(eventId)) {
            duplicates += 1;
            continue;
          }
          seen.add(eventId);
          let times = received.get(eventId);
          if (!times) received.set(eventId, (times = []));
          times.push(at2);
        }
      });
      res.on('close', () => {
        if (!stopping) droppedStreams += 1;
      });
    });
    req.on('error', reject);
    req.end();
    sockets.push(req);
  });
}

let stopping = false;
const sentAt = new Map();
const statuses = {};
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function sendWebhook(k) {
  const customer = customerOf(k);
  const eventId = `load_evt_${k}`;
  const body = JSON.stringify({
    eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
    eventId,
    timestamp: new Date().toISOString(),
    accountId: 'acct_load',
    profileId: null,
    version: '2026-02-03',
    payload: {
      customerId: `cus_${customer}`,
      externalCustomerId: customer,
      connectionId: `conn_${customer}`,
      institutionId: 'inst_1',
      oldStatus: 'ACTIVE',
      oldStatusReason: null,
      newStatus: k % 2 ? 'ACTIVE' : 'RECONNECT_REQUIRED',
      newStatusReason: k % 2 ? null : 'LOGIN_REQUIRED',
      activeDuplicateConnectionId: null,
      serviceProviderDetails: { serviceProvider: 'MX' },
    },
  });
  const timestamp = new Date().toISOString();
  const signature = createHmac('sha256', secret).update(`${timestamp}.${signedUrl}.${body}`).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return new Promise((resolve) => {
    sentAt.set(eventId, now());
    const req = request(webhookTarget, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'meld-signature': signature, 'meld-signature-timestamp': timestamp },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1;
      resolve();
    });
    req.end(body);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n) => (n === null ? null : Math.round(n * 100) / 100);

const started = now();
// Open the streams in batches: a burst of 500 connects would only measure the accept queue.
for (let i = 0; i < clientCount; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, clientCount - i) }, (_, j) => openStream(i + j)));
}
const connectMs = now() - started;

const sendStarted = now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < deliveries) await sendWebhook(next++);
  }),
);
const sendMs = now() - sendStarted;

const perCustomer = Array.from({ length: customerCount }, (_, c) => Array.from({ length: clientCount }, (_, i) => i).filter((i) => i % customerCount === c).length);
const expected = Array.from({ length: deliveries }, (_, k) => perCustomer[k % customerCount]).reduce((a, b) => a + b, 0);
const count = () => [...received.values()].reduce((n, times) => n + times.length, 0);
const waitStarted = now();
while (count() < expected && now() - waitStarted < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
const totalMs = now() - sendStarted;

const latencies = [];
for (const [eventId, times] of received) {
  const sent = sentAt.get(eventId);
  for (const at of times) latencies.push(at - sent);
}
latencies.sort((a, b) => a - b);
const delivered = count();
stopping = true;
for (const req of sockets) req.destroy();
agent.destroy();

process.stdout.write(
  `${JSON.stringify({
    clients: clientCount,
    customers: customerCount,
    webhooks: deliveries,
    webhookAnswers: statuses,
    expectedDeliveries: expected,
    delivered,
    lost: expected - delivered,
    duplicates,
    misrouted: unexpected,
    streamsDroppedByServer: droppedStreams,
    latencyMs: { p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? null) },
    connectMs: Math.round(connectMs),
    sendMs: Math.round(sendMs),
    webhooksPerSecond: Math.round(deliveries / (sendMs / 1000)),
    totalMs: Math.round(totalMs),
  })}\n`,
);
process.exit(0);
