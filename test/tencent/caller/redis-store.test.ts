/**
 * The Redis window store against a real redis-server: the limit and the fair share held across replicas,
 * shares reserved for a replica cut off, replay on rejoining, and the modes through an outage and a restart.
 * Redis's clock decides, so these tests run in real time; the window's state is set up through its documented
 * keys (redis-script.ts) where waiting for it would take seconds, and they assert counts and orders, never
 * durations.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../../src/tencent/caller/clock.js';
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
  keyPrefix: string;
}

function replicas(url: string, count: number, windowMs: number, heartbeatMs = 100, clock = systemClock): Replica[] {
  const keyPrefix = `test-${process.pid}-${++prefixes}`;
  return Array.from({ length: count }, () => {
    const redis = connect(url);
    const store = new RedisWindowStore({
      redis,
      limit: LIMIT,
      windowMs,
      pendingMs: 10_000,
      clock,
      keyPrefix,
      heartbeatMs,
      localShareMs: 60_000,
      commandTimeoutMs: 500,
    });
    const modes: BudgetMode[] = [store.mode];
    store.onModeChange = (mode) => modes.push(mode);
    cleanups.push(() => store.close());
    return { store, redis, modes, keyPrefix };
  });
}

/** Polls a condition the stores reach on their own (heartbeats), for at most `ms`. */
async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); await sleep(10)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

/** Whether `modes` went through `steps` in this order (a loaded machine may add a detour between them). */
function wentThrough(modes: readonly BudgetMode[], steps: readonly BudgetMode[]): boolean {
  let next = 0;
  for (const mode of modes) if (mode === steps[next]) next++;
  return next === steps.length;
}

/** The system clock with timers that fire `ms` early, as Node's do when libuv's loop time is stale under load. */
const earlyTimers = (ms: number): Clock => ({
  ...systemClock,
  setTimeout: (callback, delay) => systemClock.setTimeout(callback, Math.max(0, delay - ms)),
});

const settledShares = (all: Replica[]) => () => all.every(({ store }) => store.localShare === LIMIT / all.length);

/** Offers `waiting` calls of one caller; one let through is written at once. */
async function offer(replica: Replica, callerId: string, waiting: number, action = 'Cancel') {
  const result = await replica.store.tryAdmit(action, [{ callerId, waiting } satisfies Candidate]);
  if (result.admitted) replica.store.written(action, result.admitted.token);
  return result;
}

/** Puts `count` starts of `callerId`, written now (Redis's now), into the window, as another replica would. */
async function fill({ redis, keyPrefix }: Replica, callerId: string, count: number): Promise<string[]> {
  const [seconds, micros] = await redis.time();
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const members = Array.from({ length: count }, (_, i) => `elsewhere:${i}:${callerId}`);
  for (const member of members) await redis.zadd(`{${keyPrefix}}:log:Cancel`, now, member);
  return members;
}

/** Lets the pace allow the next start at once, so a test sees the window's rule alone. */
const clearPace = ({ redis, keyPrefix }: Replica) => redis.del(`{${keyPrefix}}:pace:Cancel`);

describe.skipIf(!redisAvailable)('RedisWindowStore', () => {
  let server: RedisServer;
  const start = async (port?: number) => {
    server = await startRedis(port);
    cleanups.push(() => server.stop());
  };

  it('holds the limit for all replicas together, and says when the next slot frees', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 5_000);
    await until(settledShares([a!, b!]), 'shares');
    await fill(a!, 'x', LIMIT - 1);
    expect((await offer(a!, 'x', 5)).admitted).toBeDefined();
    await clearPace(b!);
    const full = await offer(b!, 'y', 5);
    expect(full.admitted).toBeUndefined();
    expect(full.expiriesMs()).toHaveLength(LIMIT);
    expect(full.retryInMs).toBeGreaterThan(4_000);
    expect(full.retryInMs).toBeLessThanOrEqual(5_000);
  });

  it('paces starts across replicas: one per interval, whichever replica asks', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 5_000);
    await until(settledShares([a!, b!]), 'shares');
    expect((await offer(a!, 'x', 5)).admitted).toBeDefined();
    const paced = await offer(b!, 'y', 5);
    expect(paced.admitted).toBeUndefined();
    // 5,000 / 20 = 250 ms between starts, half an interval of it early at most.
    expect(paced.paceInMs).toBeGreaterThan(100);
    expect(paced.paceInMs).toBeLessThanOrEqual(125);
    expect(paced.retryInMs).toBe(paced.paceInMs);
  });

  it('gives a caller waiting on another replica the next free slot, ahead of a caller over its share', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 5_000);
    await until(settledShares([a!, b!]), 'shares');
    const burst = await fill(a!, 'burst', LIMIT);
    // Both wait for the full window; the single call is now known to be waiting too.
    expect((await offer(b!, 'single', 1)).admitted).toBeUndefined();
    expect((await offer(a!, 'burst', 80)).admitted).toBeUndefined();
    await a!.redis.zrem(`{${a!.keyPrefix}}:log:Cancel`, burst[0]!);
    await clearPace(a!);
    const refused = await offer(a!, 'burst', 80);
    expect(refused.admitted).toBeUndefined();
    expect(refused.activeCallers).toBe(2);
    expect((await offer(b!, 'single', 1)).admitted).toBeDefined();
  });

  it('gives a released slot, and its step of the pace, to another replica', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 5_000);
    await until(settledShares([a!, b!]), 'shares');
    await fill(a!, 'x', LIMIT - 1);
    const taken = await a!.store.tryAdmit('Cancel', [{ callerId: 'x', waiting: 1 }]);
    expect((await offer(b!, 'y', 1)).admitted).toBeUndefined();
    a!.store.release('Cancel', taken.admitted!.token);
    await sleep(20);
    expect((await offer(b!, 'y', 1)).admitted).toBeDefined();
  });

  it('reserves the share of a replica cut off, and counts the starts it made alone once it rejoins', async () => {
    await start();
    const [a, b] = replicas(server.url, 2, 1_500);
    await until(settledShares([a!, b!]), 'shares');
    a!.redis.disconnect();
    await until(() => a!.store.mode === 'local-share', 'replica A alone');
    expect(wentThrough(a!.modes, ['unavailable', 'shared', 'isolating', 'local-share'])).toBe(true);
    // A may start its share alone; B, still in touch, only the rest.
    const alone = await offer(a!, 'x', 3, 'Replay');
    expect(alone.admitted).toBeDefined();
    expect(alone.effectiveLimit).toBe(LIMIT / 2);
    expect((await offer(b!, 'y', 3)).effectiveLimit).toBe(LIMIT / 2);

    a!.redis.connect().catch(() => {});
    await until(() => a!.store.mode === 'shared', 'replica A back');
    // A's lone start was replayed into Redis: B's window counts it.
    const seen = await offer(b!, 'y', 1, 'Replay');
    expect(seen.effectiveLimit).toBe(LIMIT);
    expect(seen.expiriesMs().length).toBe(1 + (seen.admitted ? 1 : 0));
  });

  it('goes through isolating and local-share in an outage, and settles after Redis lost its data', async () => {
    const port = await freePort();
    await start(port);
    const all = replicas(server.url, 2, 200);
    await until(settledShares(all), 'shares');
    await server.stop();
    await until(() => all.every(({ store }) => store.mode === 'local-share'), 'both alone');
    for (const replica of all) {
      const alone = await offer(replica, 'x', 30);
      expect(alone.admitted).toBeDefined();
      expect(alone.effectiveLimit).toBe(LIMIT / 2);
    }

    await start(port);
    await until(() => all.every(({ store }) => store.mode === 'shared'), 'both shared again');
    for (const { modes } of all) {
      expect(wentThrough(modes, ['shared', 'isolating', 'local-share', 'settling', 'shared']), modes.join(' → ')).toBe(
        true,
      );
    }
  });

  it('admits from the moment it is alone, even when its timers fire early', async () => {
    await start();
    const [a] = replicas(server.url, 1, 300, 100, earlyTimers(50));
    await until(settledShares([a!]), 'share');
    a!.redis.disconnect();
    await until(() => a!.store.mode === 'local-share', 'replica A alone');
    expect((await offer(a!, 'x', 1)).admitted).toBeDefined();
  });

  it('refuses while it has never reached Redis', async () => {
    const [alone] = replicas(`redis://127.0.0.1:${await freePort()}`, 1, 1_000);
    const result = await offer(alone!, 'x', 1);
    expect(alone!.store.mode).toBe('unavailable');
    expect(result).toMatchObject({ blockedForMs: 100 });
    expect(result.admitted).toBeUndefined();
  });
});
