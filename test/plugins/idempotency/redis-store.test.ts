/** The Redis idempotency store against a real redis-server: leases, owner checks, sent marks and takeover. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisIdempotencyStore, type RedisStoreOptions } from '../../../src/plugins/idempotency/redis-store.js';
import type { Claim, Lease } from '../../../src/plugins/idempotency/store.js';
import { FakeClock } from '../../support/fake-clock.js';
import { redisAvailable, useRedis } from '../../support/redis.js';

function leaseOf(claim: Claim): Lease {
  if (claim.state !== 'new') throw new Error(`expected a new claim, got ${claim.state}`);
  return claim.lease;
}

const result = { data: { result: { __typename: 'Success' } } };
const timings = { ttlMs: 60_000, waitMs: 10_000 };
/** Short enough that a lease left to lapse does so at once, as the tests see it. */
const SHORT_LEASE_MS = 100;

describe.skipIf(!redisAvailable)('RedisIdempotencyStore', () => {
  const server = useRedis();
  let redis: Redis;
  let keys = 0;
  const freshKey = () => `key-${++keys}`;
  beforeAll(() => {
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** A store whose renewals fire only when the test moves its clock, as a replica that stopped would. */
  const frozen = (options: RedisStoreOptions = {}) => {
    const clock = new FakeClock();
    return { clock, store: new RedisIdempotencyStore(redis, timings, { leaseMs: SHORT_LEASE_MS, clock, ...options }) };
  };
  const live = () => new RedisIdempotencyStore(redis, timings);
  const field = (key: string, name: string) => redis.hget(`esign:idempotency:${key}`, name);

  it('replays a completed record and refuses the key for another request', async () => {
    const key = freshKey();
    await leaseOf(await live().claim(key, 'f')).complete(result);
    expect(await live().claim(key, 'f')).toEqual({ state: 'replay', result });
    expect(await live().claim(key, 'other')).toEqual({ state: 'conflict' });
  });

  it('renews a running claim until it ends, then stops', async () => {
    const { clock, store } = frozen({ leaseMs: 3_000, renewMs: 1_000 });
    const key = freshKey();
    const lease = leaseOf(await store.claim(key, 'f'));
    const claimedUntil = Number(await field(key, 'leaseEnd'));
    // Redis's clock must have moved on for a renewal to show.
    await vi.waitFor(async () => {
      const [seconds, micros] = await redis.time();
      expect(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) + 3_000).toBeGreaterThan(claimedUntil);
    });
    expect(clock.pending).toBe(1);
    await clock.advance(1_000);
    await vi.waitFor(async () => expect(Number(await field(key, 'leaseEnd'))).toBeGreaterThan(claimedUntil));
    await lease.complete(result);
    expect(clock.pending).toBe(0);
  });

  it('lets a duplicate waiting on another replica take over the moment a lease that sent nothing lapses', async () => {
    const key = freshKey();
    leaseOf(await frozen().store.claim(key, 'f'));
    // Waits (its wait is 10 s), then takes over at the lapse: a lapsed claim that sent nothing is no record.
    const started = Date.now();
    expect(await live().claim(key, 'f')).toMatchObject({ state: 'new' });
    expect(Date.now() - started).toBeLessThan(timings.waitMs / 2);
  });

  it('answers outcome unknown, naming the calls, for a lease that lapsed after marking calls sent', async () => {
    const key = freshKey();
    const first = leaseOf(await frozen().store.claim(key, 'f'));
    await first.markSent('second');
    await first.markSent('first');
    expect(await live().claim(key, 'f')).toEqual({ state: 'unknown', sent: ['first', 'second'] });
    expect(await live().claim(key, 'other')).toEqual({ state: 'conflict' });
    // A record marked sent outlives its lease: it lives for the TTL.
    expect(await redis.pttl(`esign:idempotency:${key}`)).toBeGreaterThan(timings.ttlMs / 2);
  });

  it('never lets a replica whose claim was taken over mark, complete, renew or release the new claim', async () => {
    const key = freshKey();
    const { clock, store } = frozen();
    const stale = leaseOf(await store.claim(key, 'f'));
    const current = leaseOf(await live().claim(key, 'f'));
    await expect(stale.markSent('result')).rejects.toThrow('taken over');
    await clock.advance(1_000);
    expect(clock.pending).toBe(0);
    await stale.release();
    await expect(stale.complete(result)).rejects.toThrow('taken over');
    expect(await field(key, 'sent:result')).toBeNull();
    await current.complete(result);
    expect(await live().claim(key, 'f')).toEqual({ state: 'replay', result });
  });

  it('gives a released key back, its sent marks with it', async () => {
    const key = freshKey();
    const lease = leaseOf(await live().claim(key, 'f'));
    await lease.markSent('result');
    await lease.release();
    expect(await redis.exists(`esign:idempotency:${key}`)).toBe(0);
    expect(await live().claim(key, 'f')).toMatchObject({ state: 'new' });
  });
});
