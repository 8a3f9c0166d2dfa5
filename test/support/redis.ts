/**
 * A real `redis-server` on a free loopback port, for the tests of state shared
 * between replicas. Where none is installed the tests are skipped loudly, and
 * in CI (`CI` set) they fail instead: CI installs Redis.
 */
import { spawnSync } from 'node:child_process';
import { type RedisServer, startRedisServer } from '../../bench/at-limit/redis-server.js';
import { useStarted } from './lifecycle.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

export const redisAvailable = spawnSync(REDIS_SERVER, ['--version']).status === 0;

if (!redisAvailable) {
  const message = `redis-server not found (${REDIS_SERVER}): the shared-state tests cannot run. Install it (apt-get install -y redis-server) or set REDIS_SERVER.`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n*** SKIPPING Redis tests: ${message}\n`);
}

export type { RedisServer };

/** `port`: to start one again where a stopped one listened (a restart, as clients see it); `args`: more configuration. */
export async function startRedis(port?: number, args: readonly string[] = []): Promise<RedisServer> {
  return startRedisServer(REDIS_SERVER, port, args);
}

/** One redis-server for the enclosing `describe`, stopped after its tests. */
export function useRedis(): { readonly url: string } {
  const server = useStarted('redis-server', startRedis, (started) => started.stop());
  return {
    get url() {
      return server().url;
    },
  };
}
