// Global setup of the `server` project: a throwaway redis-server on a free
// loopback port (found, or installed from Debian's package as root, like
// Chromium; otherwise the run stops with a one-line instruction).
import type { TestProject } from 'vitest/node';
import { ensureRedisServer, startRedisServer } from '../../scripts/redis.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const path = ensureRedisServer();
  const server = await startRedisServer({ path });
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
