#!/usr/bin/env node
// Notification planner throughput (a benchmark, not a test; not part of `npm test`).
// planReconnectNotifications over --connections connections of --customers
// customers spread over 8 time zones (DST and half-hour zones among them), a
// realistic mix of statuses (most healthy, some broken, some expiring with a
// provider date, some healthy with a renewal policy coming due) and a history
// of earlier messages for a third of them. Times a cold run, then --runs warm
// runs at "now"s a few hours apart (so quiet hours hold some and not others).
//
// The kit runs as built by Vite from src/server (the package's code). Prints a
// table and writes bench/results/planner.json.
//
//   node scripts/bench/planner.mjs [--connections 100000] [--customers 40000] [--runs 5]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import { machine, option, quantile } from './common.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const resultsFile = join(root, 'bench/results/planner.json');
const options = { connections: option('connections', 100_000), customers: option('customers', 40_000), runs: option('runs', 5) };
const host = machine();

const outDir = join(root, 'node_modules/.cache/mrk-bench-planner');
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  build: {
    ssr: join(root, 'src/server/planReconnectNotifications.ts'),
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { format: 'es', entryFileNames: 'planner.mjs' } },
  },
});
const { planReconnectNotifications } = await import(pathToFileURL(join(outDir, 'planner.mjs')).href);

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Los_Angeles', 'Europe/Madrid', 'America/Mexico_City'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = Date.parse('2026-03-27T18:00:00Z'); // two days before Europe's spring change
// A fixed pseudo-random sequence, so every run plans the same input.
let seed = 0x9e3779b9;
const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
const MIX = [
  [0.7, 'ACTIVE', null],
  [0.06, 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED'],
  [0.04, 'RECONNECT_REQUIRED', 'TOKEN_EXPIRED'],
  [0.04, 'ACTIVE', 'ACCESS_EXPIRING_SOON'],
  [0.04, 'DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE'],
  [0.03, 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED'],
  [0.03, 'UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES'],
  [0.03, 'UNDETERMINED', 'INTERNAL_ERROR'],
  [0.03, 'DELETED', null],
];
function pick() {
  let r = random();
  for (const [share, status, reason] of MIX) if ((r -= share) < 0) return [status, reason];
  return ['ACTIVE', null];
}

const connections = [];
const history = [];
for (let i = 0; i < options.connections; i += 1) {
  const [status, statusReason] = pick();
  const customerId = `cust_${i % options.customers}`;
  const id = `conn_${i}`;
  const expiring = statusReason === 'ACCESS_EXPIRING_SOON';
  const connection = {
    id,
    status,
    statusReason,
    externalCustomerId: customerId,
    institutionName: `Bank ${i % 300}`,
    serviceProviderDetails: expiring ? { serviceProvider: 'PLAID', consent_expiration_time: new Date(start + Math.floor(random() * 20) * DAY).toISOString() } : { serviceProvider: 'MX' },
  };
  const since = start - Math.floor(random() * 10 * DAY);
  connections.push({
    connection,
    timeZone: ZONES[i % ZONES.length],
    locale: i % 3 === 0 ? 'es' : 'en',
    needsActionSince: since,
    lastAuthorizedAt: start - Math.floor(random() * 90) * DAY,
  });
  if (i % 3 === 0 && status !== 'ACTIVE') history.push({ customerId, connectionId: id, channel: 'in-app', step: 0, sentAt: since + HOUR });
}
const policy = { renewal: { promptDaysBefore: 14, periodDays: 90 }, link: ({ connectionId }) => `https://app.example/r/${connectionId}` };

const timed = (now) => {
  const t0 = performance.now();
  const plan = planReconnectNotifications({ connections, history, policy, now });
  return { ms: performance.now() - t0, planned: plan.length, due: plan.filter((p) => p.due).length };
};
const cold = timed(start);
const warm = [];
for (let run = 0; run < options.runs; run += 1) warm.push(timed(start + run * 5 * HOUR));
const ms = warm.map((w) => w.ms);
const median = quantile(ms, 0.5);
const result = {
  connections: options.connections,
  customers: options.customers,
  historyEntries: history.length,
  coldMs: Math.round(cold.ms),
  warmMedianMs: Math.round(median),
  warmMaxMs: Math.round(Math.max(...ms)),
  connectionsPerSecond: Math.round(options.connections / (median / 1000)),
  planned: cold.planned,
  dueAtFirstRun: cold.due,
  machine: host.finish(undefined),
};
console.table({
  'connections': result.connections,
  'customers': result.customers,
  'history entries': result.historyEntries,
  'cold run (ms)': result.coldMs,
  [`warm median of ${options.runs} (ms)`]: result.warmMedianMs,
  'connections / s (warm median)': result.connectionsPerSecond,
  'planned (first run)': result.planned,
  'due now (first run)': result.dueAtFirstRun,
});
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
