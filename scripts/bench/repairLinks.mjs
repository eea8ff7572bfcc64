#!/usr/bin/env node
// Signed repair links (a benchmark, not a test; not part of `npm test`):
//
//   size:     the token and the whole link for a UUID connection id and a
//             realistic linkUrl, in characters
//   issue / verify per second, in one thread (node:crypto: HKDF keys are
//             derived once, then one AES-256-CTR and one HMAC-SHA256 per call)
//   redeem latency through the reconnect handler (POST /repair-links/redeem,
//             fetch-standard Requests straight into the handler, a counting
//             fake Meld on 127.0.0.1 for the ownership lookup): one instance
//             with the memory store, and two instances sharing nothing but a
//             throwaway redis-server (each its own Redis bus, store, links and
//             handler), redeems alternating between them; plus the Redis
//             store's SET NX alone
//
// The kit runs as built by Vite from src/server (the package's code). Prints a
// table and writes bench/results/repair-links.json.
//
//   node scripts/bench/repairLinks.mjs [--redeems 2000] [--ops 200000]
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../redis.mjs';
import { buildServerForBench, machine, option, quantile, QUANTILES } from './common.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const resultsFile = join(root, 'bench/results/repair-links.json');
const options = { redeems: option('redeems', 2000), ops: option('ops', 200_000) };
const host = machine();
const round = (n, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

const kit = await import(await buildServerForBench('mrk-bench-links'));

const SECRET = 'bench-repair-link-secret-0123456789abcdefghij';
const LINK_URL = 'https://app.example.com/settings/bank-accounts';
const CUSTOMER = 'cus_7f3c2a9e-51b4-4d0a-9b8e-2c6f1d3e4a5b';
const CONNECTION = randomUUID();

// -- size ------------------------------------------------------------------------
const sized = kit.createRepairLinks({ secret: SECRET, linkUrl: LINK_URL }).issue({ externalCustomerId: CUSTOMER, connectionId: CONNECTION });
const size = { connectionIdChars: CONNECTION.length, tokenChars: sized.token.length, linkUrl: LINK_URL, linkChars: sized.url.length };

// -- issue / verify per second -----------------------------------------------------
function perSecond(fn, count) {
  for (let i = 0; i < Math.min(count, 5000); i += 1) fn(i); // warm up
  const t0 = performance.now();
  for (let i = 0; i < count; i += 1) fn(i);
  return Math.round(count / ((performance.now() - t0) / 1000));
}
const cpu = kit.createRepairLinks({ secret: SECRET });
const tokens = Array.from({ length: 1000 }, () => cpu.issue({ externalCustomerId: CUSTOMER, connectionId: CONNECTION }).token);
const issuePerSecond = perSecond(() => cpu.issue({ externalCustomerId: CUSTOMER, connectionId: CONNECTION }), options.ops);
const verifyPerSecond = perSecond((i) => {
  if (!cpu.verify(tokens[i % tokens.length], CUSTOMER)) throw new Error('a valid token was refused');
}, options.ops);
const refusePerSecond = perSecond((i) => {
  if (cpu.verify(tokens[i % tokens.length], 'someone-else')) throw new Error("another customer's token was accepted");
}, options.ops);

// -- a counting fake Meld ------------------------------------------------------------
let lookups = 0;
const meld = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const one = /^\/bank-linking\/connections\/([^/]+)$/.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    res.writeHead(one ? 200 : 404, { 'content-type': 'application/json' });
    if (!one) return res.end('{"code":"NOT_FOUND","message":"No route"}');
    lookups += 1;
    res.end(
      JSON.stringify({
        id: decodeURIComponent(one[1]), accountId: 'acct_bench', customerId: 'cus_meld', externalCustomerId: CUSTOMER, institutionId: 'inst_1',
        institutionName: 'First Bench Bank', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', products: ['BALANCES'],
        optionalProducts: [], regions: ['US'], serviceProviderDetails: { serviceProvider: 'MX' }, createdAt: '2026-01-01T00:00:00Z',
        successfullyAggregatedAt: '2026-01-01T00:05:00Z', duplicateConnectionIds: null, activeDuplicateConnectionId: null,
      }),
    );
  });
});
await new Promise((resolve) => meld.listen(0, '127.0.0.1', resolve));
const meldUrl = `http://127.0.0.1:${meld.address().port}`;

function instance(links, bus) {
  return kit.createReconnectHandler({
    meld: kit.createMeldClient({ apiKey: 'bench_key', baseUrl: meldUrl, retries: 0 }),
    authorize: () => ({ externalCustomerId: CUSTOMER }),
    basePath: '/api/meld',
    bus,
    events: false,
    repairLinks: links,
    redeemRateLimit: false,
  });
}

async function redeem(handler, token) {
  const response = await handler(
    new Request('http://app.example.com/api/meld/repair-links/redeem', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ token }),
    }),
  );
  await response.arrayBuffer();
  return response.status;
}

/** Sequential redeems of fresh links, alternating handlers; then each link again (refused). Latencies in ms. */
async function measure(links, handlers) {
  const issued = Array.from({ length: options.redeems + 100 }, () => links.issue({ externalCustomerId: CUSTOMER, connectionId: CONNECTION }).token);
  for (let i = 0; i < 100; i += 1) await redeem(handlers[i % handlers.length], issued[options.redeems + i]); // warm up
  const ok = [];
  for (let i = 0; i < options.redeems; i += 1) {
    const t0 = performance.now();
    const status = await redeem(handlers[i % handlers.length], issued[i]);
    ok.push(performance.now() - t0);
    if (status !== 200) throw new Error(`redeem ${i} answered ${status}`);
  }
  const reused = [];
  for (let i = 0; i < options.redeems; i += 1) {
    const t0 = performance.now();
    const status = await redeem(handlers[(i + 1) % handlers.length], issued[i]);
    reused.push(performance.now() - t0);
    if (status !== 404) throw new Error(`reused link ${i} answered ${status}`);
  }
  return {
    redeemP50Ms: round(quantile(ok, 0.5)),
    redeemP95Ms: round(quantile(ok, 0.95)),
    reusedP50Ms: round(quantile(reused, 0.5)),
    reusedP95Ms: round(quantile(reused, 0.95)),
  };
}

// One instance, memory store.
const memoryLinks = kit.createRepairLinks({ secret: SECRET, store: kit.createMemoryRepairLinkStore() });
const memory = await measure(memoryLinks, [instance(memoryLinks, kit.createMemoryEventBus())]);

// Two instances sharing nothing but Redis.
const redis = await startRedisServer();
const prefix = `mrk-bench-links-${randomUUID().slice(0, 8)}:`;
const made = [0, 1].map(() => {
  const bus = kit.createRedisEventBus({ url: redis.url, prefix, onError: () => {} });
  const links = kit.createRepairLinks({ secret: SECRET, store: kit.createRedisRepairLinkStore({ bus }) });
  return { bus, links, handler: instance(links, bus) };
});
const overRedis = await measure(made[0].links, made.map((m) => m.handler));

// The Redis store alone: one SET NX PXAT per consume.
const store = kit.createRedisRepairLinkStore({ bus: made[0].bus });
const consumes = [];
for (let i = 0; i < options.redeems; i += 1) {
  const t0 = performance.now();
  await store.consume(`bench-${i}`, Date.now() + 60_000);
  consumes.push(performance.now() - t0);
}
const storeOnly = { consumeP50Ms: round(quantile(consumes, 0.5)), consumeP95Ms: round(quantile(consumes, 0.95)) };

await Promise.all(made.map((m) => m.bus.close()));
await redis.stop();
await new Promise((resolve) => meld.close(resolve));

const result = {
  size,
  issuePerSecond,
  verifyPerSecond,
  refusePerSecond,
  redeems: options.redeems,
  memory,
  redisTwoInstances: overRedis,
  redisStoreOnly: storeOnly,
  meldLookups: lookups,
  quantiles: QUANTILES,
  machine: host.finish(undefined),
};
console.table({
  'token (chars, UUID connection id)': size.tokenChars,
  [`link (chars, ${LINK_URL})`]: size.linkChars,
  'issue / s': issuePerSecond,
  'verify / s (valid)': verifyPerSecond,
  "verify / s (another customer's)": refusePerSecond,
  'redeem p50 / p95 ms, memory, 1 instance': `${memory.redeemP50Ms} / ${memory.redeemP95Ms}`,
  'redeem p50 / p95 ms, Redis, 2 instances': `${overRedis.redeemP50Ms} / ${overRedis.redeemP95Ms}`,
  'used link again p50 / p95 ms, memory': `${memory.reusedP50Ms} / ${memory.reusedP95Ms}`,
  'used link again p50 / p95 ms, Redis': `${overRedis.reusedP50Ms} / ${overRedis.reusedP95Ms}`,
  'Redis SET NX alone p50 / p95 ms': `${storeOnly.consumeP50Ms} / ${storeOnly.consumeP95Ms}`,
});
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
