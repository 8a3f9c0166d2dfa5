/** The Redis connection replicas share, when `REDIS_URL` is set. */
import type { Redis } from 'ioredis';

export type RedisHealth = 'ready' | 'unreachable';

/** ioredis is imported only when Redis is configured: loading it costs memory a lone replica keeps. */
export async function connectRedis(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis');
  return new Redis(url, {
    // Fail commands at once while disconnected instead of queueing them behind a dead link:
    // the limiter then falls back to its in-process insurance and readiness reports the outage.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

export function redisHealth(redis: Redis): RedisHealth {
  return redis.status === 'ready' ? 'ready' : 'unreachable';
}

/** Resolves once connected, or after `timeoutMs` (the service still starts and reports not ready). */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<RedisHealth> {
  if (redis.status === 'ready') return 'ready';
  return new Promise((resolve) => {
    const done = (health: RedisHealth) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(health);
    };
    const onReady = () => done('ready');
    const timer = setTimeout(() => done('unreachable'), timeoutMs);
    redis.once('ready', onReady);
  });
}

/**
 * Whether Redis keeps an append-only file (`INFO persistence`, `aof_enabled`), without which a restart loses every
 * idempotency record; undefined when it cannot tell (INFO refused, or Redis unreachable).
 */
export async function appendOnly(redis: Redis): Promise<boolean | undefined> {
  try {
    const match = /^aof_enabled:(\d)/m.exec(await redis.info('persistence'));
    return match ? match[1] === '1' : undefined;
  } catch {
    return undefined;
  }
}
