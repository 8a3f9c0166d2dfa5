import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Claim, IdempotencyStore, StoredResult, StoreTimings } from './store.js';

interface StoredRecord {
  fingerprint: string;
  result?: StoredResult;
}

const POLL_MS = 50;

/**
 * Records shared by every replica. A claim is `SET NX` with a short life, so
 * a replica that dies mid-request frees the key; a result is kept for the TTL.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly timings: StoreTimings,
    private readonly prefix = 'esign:idempotency:',
  ) {}

  async claim(key: string, fingerprint: string): Promise<Claim> {
    const redisKey = this.prefix + key;
    const pendingMs = this.timings.waitMs + 60_000;
    const deadline = Date.now() + this.timings.waitMs;
    for (;;) {
      const created = await this.redis.set(redisKey, JSON.stringify({ fingerprint }), 'PX', pendingMs, 'NX');
      if (created === 'OK') return { state: 'new' };
      const stored = await this.redis.get(redisKey);
      if (stored !== null) {
        const record = JSON.parse(stored) as StoredRecord;
        if (record.fingerprint !== fingerprint) return { state: 'conflict' };
        if (record.result) return { state: 'replay', result: record.result };
      }
      if (Date.now() >= deadline) return { state: 'busy' };
      await sleep(POLL_MS);
    }
  }

  async complete(key: string, fingerprint: string, result: StoredResult): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify({ fingerprint, result }), 'PX', this.timings.ttlMs);
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
