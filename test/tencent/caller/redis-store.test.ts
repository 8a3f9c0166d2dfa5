/**
 * The Redis window store against a real redis-server: the limit and the fair share held across replicas,
 * shares reserved for a replica cut off, replay on rejoining, and the modes through an outage and a restart.
 * Redis's clock decides, so these tests run in real time, with short windows and heartbeats; they assert
 * counts and orders, never durations.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/tencent/caller/clock.js';
import { RedisWindowStore } from '../../../src/tencent/caller/redis-store.js';
import type { BudgetMode, Candidate } from '../../../src/tencent/caller/window.js';
import { freePort } from '../../support/ports.js';
import { type RedisServer, redisAvailable, startRedis } from '../../support/redis.js';

const LIMIT = 20;
let prefixes = 0;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function connect(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
    lazyConnect: false,
  });
  redis.on('error', () => {});
  cleanups.push(async () => redis.disconnect());
  return redis;
}

interface Replica {
  store: RedisWindowStore;
  redis: Redis;
  modes: BudgetMode[];
}

function replicas(url: string, count: number, windowMs: number, heartbeatMs = 100): Replica[] {
  const keyPrefix = `test-${process.pid}-${++prefixes}`;
  return Array.from({ length: count }, () => {
    const redis = connect(url);
    const store = new RedisWindowStore({
      redis,
      limit: LIMIT,
      windowMs,
      pendingMs: 10_000,
      clock: systemClock,
      keyPrefix,
      heartbeatMs,
      localShareMs: 60_000,
      commandTimeoutMs: 200,
    });
    const modes: BudgetMode[] = [store.mode];
    store.onModeChange = (mode) => modes.push(mode);
    cleanups.push(() => store.close());
    return { store, redis, modes };
  });
}

/** Polls a condition the stores reach on their own (heartbeats), for at most `ms`. */
async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); await sleep(10)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

const settledShares = (all: Replica[]) => () => all.every(({ store }) => store.localShare === LIMIT / all.length);
/** Offers `waiting` calls of one caller; each one let through is written at once. */
async function offer(replica: Replica, callerId: string, waiting: number) {
  const result = await replica.store.tryAdmit('Cancel', [{ callerId, waiting } satisfies Candidate], waiting);
  for (const { token } of result.admitted) replica.store.written('Cancel', token);
  return result;
}

describe.skipIf(!redisAvailable)('RedisWindowStore', () => {
  let server: RedisServer;
  const start = async (port?: number) => {
    server = await startRedis(port);
    cleanups.push(() => server.stop());
  };

  it('holds the limit for all replicas together and says when the next slot frees', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 2_000);
    await until(settledShares([a!, b!]), 'shares');
    const [fromA, fromB] = await Promise.all([offer(a!, 'x', 15), offer(b!, 'y', 15)]);
    expect(fromA.admitted.length + fromB.admitted.length).toBe(LIMIT);
    const again = await offer(a!, 'x', 5);
    expect(again.admitted).toEqual([]);
    expect(again.expiriesMs).toHaveLength(LIMIT);
    expect(again.retryInMs).toBeGreaterThan(1_000);
    expect(again.retryInMs).toBeLessThanOrEqual(2_000);
  });

  it('gives a caller waiting on another replica the next free slot, ahead of a caller over its share', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 300);
    await until(settledShares([a!, b!]), 'shares');
    expect((await offer(a!, 'burst', 100)).admitted).toHaveLength(LIMIT);
    // The single call finds the window full, but is now known to be waiting.
    expect((await offer(b!, 'single', 1)).admitted).toEqual([]);
    await sleep(350);
    const next = await offer(a!, 'burst', 80);
    expect(next.activeCallers).toBe(2);
    expect(next.admitted).toHaveLength(LIMIT - 1);
    expect((await offer(b!, 'single', 1)).admitted).toHaveLength(1);
  });

  it('gives a released slot to another replica', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 5_000);
    await until(settledShares([a!, b!]), 'shares');
    const taken = await offer(a!, 'x', LIMIT);
    expect((await offer(b!, 'y', 1)).admitted).toEqual([]);
    a!.store.release('Cancel', taken.admitted[0]!.token);
    await sleep(20);
    expect((await offer(b!, 'y', 1)).admitted).toHaveLength(1);
  });

  it('reserves the share of a replica cut off, and counts the starts it made alone once it rejoins', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 1_500);
    await until(settledShares([a!, b!]), 'shares');
    a!.redis.disconnect();
    await until(() => a!.store.mode === 'local-share', 'replica A alone');
    expect(a!.modes).toEqual(['unavailable', 'shared', 'isolating', 'local-share']);
    // A may start its share alone; B, still in touch, only the rest.
    expect((await offer(a!, 'x', 30)).admitted).toHaveLength(LIMIT / 2);
    expect((await offer(b!, 'y', 30)).admitted).toHaveLength(LIMIT / 2);

    await sleep(1_600);
    a!.redis.connect().catch(() => {});
    expect((await offer(a!, 'x', 3)).admitted).toHaveLength(3);
    await until(() => a!.store.mode === 'shared', 'replica A back');
    // A's three lone starts were replayed into Redis: B's window counts them.
    const seen = await offer(b!, 'y', 30);
    expect(seen.expiriesMs.length).toBe(3 + seen.admitted.length);
    expect(seen.admitted).toHaveLength(LIMIT - 3);
  });

  it('goes through isolating and local-share in an outage, and settles after Redis lost its data', async () => {
    const port = await freePort();
    await start(port);
    const all = replicas(server.url, 2, 200);
    const [a, b] = all;
    await until(settledShares(all), 'shares');
    await server.stop();
    await until(() => all.every(({ store }) => store.mode === 'local-share'), 'both alone');
    for (const replica of all) expect((await offer(replica, 'x', 30)).admitted).toHaveLength(LIMIT / 2);

    await start(port);
    await until(() => all.every(({ store }) => store.mode === 'shared'), 'both shared again');
    for (const replica of [a!, b!]) {
      expect(replica.modes).toEqual(['unavailable', 'shared', 'isolating', 'local-share', 'settling', 'shared']);
    }
  });

  it('refuses while it has never reached Redis', async () => {
    const [alone] = replicas(`redis://127.0.0.1:${await freePort()}`, 1, 1_000);
    const result = await offer(alone!, 'x', 1);
    expect(alone!.store.mode).toBe('unavailable');
    expect(result).toMatchObject({ admitted: [], blockedForMs: 100 });
  });
});
