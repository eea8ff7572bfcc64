// One host-backend instance of the server benchmark (scripts/bench/server.mjs),
// in a process of its own: createReconnectHandler + createWebhookHandler on
// one createRedisEventBus, repair limits on createRedisRateLimiter, served on
// 127.0.0.1 through toNodeHandler. Talks to the benchmark over IPC: it sends
// { ready, port } once listening and answers { id, type: 'stats' } with its
// memory (after a GC) and the handler's stats.
//
//   node --expose-gc server-instance.mjs '{"module":..., "redisUrl":..., "prefix":..., "meldUrl":..., "secret":..., "signedUrl":...}'
import { createServer } from 'node:http';

const config = JSON.parse(process.argv[2] ?? '{}');
const server = await import(config.module);

const bus = server.createRedisEventBus({ url: config.redisUrl, prefix: config.prefix, onError: () => {} });
const reconnect = server.createReconnectHandler({
  meld: server.createMeldClient({ apiKey: 'bench_key', baseUrl: config.meldUrl, retries: 0 }),
  authorize: (request) => {
    const user = request.headers.get('x-user');
    return user ? { externalCustomerId: user } : null;
  },
  basePath: '/api/meld',
  bus,
  events: { heartbeatMs: 15_000 },
  repairRateLimit: server.createRedisRateLimiter({ bus }),
  repairLookupRateLimit: server.createRedisRateLimiter({ bus, name: 'repair-lookups', limit: 20 }),
});
const webhook = server.createWebhookHandler({ secret: config.secret, url: config.signedUrl, bus });
const handle = (request) => (new URL(request.url).pathname === '/api/meld/webhooks' ? webhook(request) : reconnect(request));
const http = createServer(server.toNodeHandler(handle, { onError: () => {} }));
http.maxConnections = 10_000;
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));

process.on('message', (message) => {
  if (message?.type === 'stats') {
    globalThis.gc?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    process.send({ id: message.id, memory: { rss, heapUsed, external, arrayBuffers }, stats: reconnect.stats() });
  } else if (message?.type === 'stop') {
    reconnect.close();
    http.closeAllConnections();
    http.close();
    void bus.close().then(() => process.exit(0));
  }
});
process.send({ ready: true, port: http.address().port });
