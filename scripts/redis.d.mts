/** The path of a usable redis-server, or undefined. Does not install anything. */
export function findRedisServer(env?: NodeJS.ProcessEnv): string | undefined;
/** Finds redis-server, installing Debian's package when allowed; throws the one-line instruction otherwise. */
export function ensureRedisServer(): string;
/** A running throwaway redis-server on 127.0.0.1. */
export interface RedisServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}
/** Starts a throwaway redis-server on a free loopback port (no persistence); resolves once it answers PING. */
export function startRedisServer(options?: { path?: string; timeoutMs?: number }): Promise<RedisServerHandle>;
