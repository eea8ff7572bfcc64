#!/usr/bin/env node
// `npm run bench`: every benchmark, one after another (benchmarks, not tests;
// not part of `npm test`). Each prints its table and writes bench/results/*.json.
//
//   ../bundleBudget.mjs  provider + ReconnectBanner as a host's Vite build splits it, and core
//                        decisions (`npm run size:split`; builds dist/; ends non-zero when a
//                        figure is over issue 11's limits)
//   render.mjs           mounting 1,000 banners, one pushed change among them (Chromium)
//   flow.mjs             click-to-widget and webhook-to-screen through the demo stack (Chromium)
//   server.mjs           two host-backend instances on one redis-server: 1,000 streams, 10,000
//                        signed webhooks (lost / duplicated / misrouted, latency), memory per
//                        stream, a slow reader, and a repair rate-limit flood against a fake Meld
//   planner.mjs          planReconnectNotifications over 100,000 connections in 8 time zones
//   repairLinks.mjs      signed repair links: token and link size, issue and verify per second,
//                        redeem latency through the handler in memory and over Redis (two instances)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benchmarks = ['../bundleBudget.mjs', 'render.mjs', 'flow.mjs', 'server.mjs', 'planner.mjs', 'repairLinks.mjs'];
let failed = 0;
for (const file of benchmarks) {
  console.log(`\n== ${file}`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`${file} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
