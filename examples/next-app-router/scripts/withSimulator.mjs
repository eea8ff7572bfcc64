#!/usr/bin/env node
// `npm run dev` and `npm start`: the kit's Meld simulator (Meld's API, its
// widget on an origin of its own, signed webhooks) and Next.js, wired together
// through the environment lib/meld.ts reads. Against Meld itself, run `next dev`
// or `next start` with those variables set instead (see README.md).
//
//   PORT (3000), HOST (127.0.0.1), MELD_SIM_PORT (4100), MELD_SIM_WIDGET_PORT (4101); 0 picks a free port.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createMeldSimulator } from 'meld-reconnect-kit/testing';

const mode = process.argv[2] === 'start' ? 'start' : 'dev';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const origin = `http://${host}:${port}`;
const webhookUrl = `${origin}/api/meld/webhooks`;

// Alex's banks: one healthy (break it from the control page), one whose password changed, one expiring soon.
const simulator = await createMeldSimulator({
  port: Number(process.env.MELD_SIM_PORT ?? 4100),
  widgetPort: Number(process.env.MELD_SIM_WIDGET_PORT ?? 4101),
  webhookUrl,
  connections: [
    { id: 'conn_harbor', externalCustomerId: 'cust_demo', institutionName: 'Harbor Credit Union', status: 'ACTIVE', statusReason: null },
    { id: 'conn_summit', externalCustomerId: 'cust_demo', institutionName: 'Summit National Bank', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' },
    { id: 'conn_evergreen', externalCustomerId: 'cust_demo', institutionName: 'Evergreen Savings', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON' },
  ],
});

const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const next = spawn(process.execPath, [nextBin, mode, '--hostname', host, '--port', String(port)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    MELD_API_KEY: simulator.apiKey,
    MELD_BASE_URL: simulator.url,
    MELD_WEBHOOK_SECRET: simulator.webhookSecret,
    MELD_WEBHOOK_URL: webhookUrl,
    MELD_WIDGET_HOSTS: new URL(simulator.widgetOrigin).host,
  },
});
console.log(`Meld simulator: ${simulator.url} (control page ${simulator.controlUrl}), widget on ${simulator.widgetOrigin}`);

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => next.kill(signal));
next.on('exit', (code, signal) => {
  void simulator.close().finally(() => process.exit(code ?? (signal ? 1 : 0)));
});
