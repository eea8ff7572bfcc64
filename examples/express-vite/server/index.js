// `npm run dev` (Vite from source) and `npm start` (the built front end in dist/).
// Without MELD_API_KEY, the kit's Meld simulator starts beside the app (Meld's
// API, its widget on an origin of its own, signed webhooks); with it, the app
// talks to Meld (MELD_WEBHOOK_SECRET, MELD_WEBHOOK_URL, optional MELD_BASE_URL).
//
//   PORT (3000), HOST (127.0.0.1), MELD_SIM_PORT (4100), MELD_SIM_WIDGET_PORT (4101); 0 picks a free simulator port.
import { createApp } from './app.js';

const dev = process.argv.includes('--dev');
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const webhookUrl = `http://${host}:${port}/api/meld/webhooks`;

/** Alex's banks: one healthy (break it from the control page), one whose password changed, one expiring soon. */
const SEEDS = [
  { id: 'conn_harbor', externalCustomerId: 'cust_demo', institutionName: 'Harbor Credit Union', status: 'ACTIVE', statusReason: null },
  { id: 'conn_summit', externalCustomerId: 'cust_demo', institutionName: 'Summit National Bank', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' },
  { id: 'conn_evergreen', externalCustomerId: 'cust_demo', institutionName: 'Evergreen Savings', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON' },
];

/** @type {import('meld-reconnect-kit/testing').MeldSimulator | undefined} */
let simulator;
/** @type {import('./meld.js').MeldSettings} */
let meld;
if (process.env.MELD_API_KEY) {
  meld = {
    apiKey: process.env.MELD_API_KEY,
    baseUrl: process.env.MELD_BASE_URL,
    webhookSecret: process.env.MELD_WEBHOOK_SECRET ?? '',
    webhookUrl: process.env.MELD_WEBHOOK_URL ?? webhookUrl,
    widgetHosts: (process.env.MELD_WIDGET_HOSTS ?? '').split(',').filter(Boolean),
  };
} else {
  // Loaded only here: the simulator stays out of a server that talks to Meld.
  const { createMeldSimulator } = await import('meld-reconnect-kit/testing');
  simulator = await createMeldSimulator({
    port: Number(process.env.MELD_SIM_PORT ?? 4100),
    widgetPort: Number(process.env.MELD_SIM_WIDGET_PORT ?? 4101),
    webhookUrl,
    connections: SEEDS,
  });
  meld = {
    apiKey: simulator.apiKey,
    baseUrl: simulator.url,
    webhookSecret: simulator.webhookSecret,
    webhookUrl,
    widgetHosts: [new URL(simulator.widgetOrigin).host],
  };
}

const { app, close } = await createApp({ meld, dev });
const server = app.listen(port, host, () => {
  console.log(`Pebble (Express + Vite${dev ? ', dev' : ''}): http://${host}:${port}/`);
  if (simulator) console.log(`Meld simulator: ${simulator.url} (control page ${simulator.controlUrl}), widget on ${simulator.widgetOrigin}`);
});

async function shutdown() {
  await close();
  server.closeAllConnections();
  server.close();
  await simulator?.close();
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void shutdown());
