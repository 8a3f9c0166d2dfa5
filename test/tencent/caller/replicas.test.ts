/**
 * Two replicas (the caller chain and the real client, each in a process of its own) sharing a real
 * redis-server, in front of a stand-in for Tencent (a process of its own too) that refuses what its sliding
 * window (20 per 1,000 ms) does not admit. The stand-in's record is the oracle: no refusal, the busiest sliding second at most 20,
 * through a burst, and through Redis being killed and started again under load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainTarget, drive } from '../../../bench/at-limit/load.js';
import { busiestWindow } from '../../../bench/at-limit/models.js';
import {
  type ReplicaProcess,
  type StandInProcess,
  spawnReplica,
  spawnStandIn,
} from '../../../bench/at-limit/processes.js';
import { type RedisServer, redisAvailable, startRedis } from '../../support/redis.js';

async function modeOf(replica: ReplicaProcess): Promise<string> {
  return ((await (await fetch(replica.url)).json()) as { mode: string }).mode;
}

async function untilMode(replicas: readonly ReplicaProcess[], mode: string): Promise<void> {
  for (const end = Date.now() + 20_000; ; await sleep(50)) {
    const modes = await Promise.all(replicas.map(modeOf));
    if (modes.every((m) => m === mode)) return;
    if (Date.now() > end) throw new Error(`replicas in ${modes.join(', ')}, not ${mode}`);
  }
}

describe.skipIf(!redisAvailable)('two replicas sharing Redis, at the limit', () => {
  let redis: RedisServer;
  let standIn: StandInProcess;
  let replicas: ReplicaProcess[];

  beforeAll(async () => {
    redis = await startRedis();
    standIn = await spawnStandIn('sliding');
    const options = { standInUrl: standIn.url, redisUrl: redis.url, limit: 20, guardMs: 25, heartbeatMs: 200 };
    replicas = await Promise.all([
      spawnReplica({ ...options, maxWaitMs: 2_000, timeoutMs: 4_000 }),
      spawnReplica({ ...options, maxWaitMs: 2_000, timeoutMs: 4_000 }),
    ]);
    await untilMode(replicas, 'shared');
  }, 60_000);
  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.stop()));
    await standIn?.stop();
    await redis?.stop();
  });

  it('stay within the limit together through a burst: no refusal at Tencent, every caller a typed answer', async () => {
    const from = (await standIn.arrivals()).length;
    const targets = replicas.map((replica) => chainTarget(replica.url, 120));
    const results = await drive(targets, { burst: 120, rate: 0, seconds: 0 }, 'burst').finally(() =>
      Promise.all(targets.map((target) => target.close())),
    );
    const arrivals = (await standIn.arrivals()).slice(from);
    expect(arrivals.filter((arrival) => !arrival.accepted)).toEqual([]);
    expect(busiestWindow(arrivals.map((arrival) => arrival.at))).toBeLessThanOrEqual(20);
    const kinds = new Set(results.map((result) => result.kind));
    expect([...kinds].sort()).toEqual(['ok', 'rate-limited']);
    expect(results.filter((result) => result.kind === 'ok')).toHaveLength(arrivals.length);
  });

  it('stay within the limit together while Redis is killed and started again under load', async () => {
    await sleep(1_100);
    const from = (await standIn.arrivals()).length;
    const targets = replicas.map((replica) => chainTarget(replica.url, 400));
    const load = drive(targets, { burst: 0, rate: 40, seconds: 9 }, 'outage').finally(() =>
      Promise.all(targets.map((target) => target.close())),
    );
    await sleep(1_500);
    await redis.stop();
    await untilMode(replicas, 'local-share');
    const alone = (await standIn.arrivals()).length;
    await sleep(1_500);
    const aloneArrivals = (await standIn.arrivals()).length - alone;
    redis = await startRedis(Number(new URL(redis.url).port));
    await untilMode(replicas, 'shared');
    const results = await load;

    const arrivals = (await standIn.arrivals()).slice(from);
    expect(arrivals.filter((arrival) => !arrival.accepted)).toEqual([]);
    expect(busiestWindow(arrivals.map((arrival) => arrival.at))).toBeLessThanOrEqual(20);
    // Alone, each replica still used its share.
    expect(aloneArrivals).toBeGreaterThan(0);
    for (const result of results) expect(['ok', 'rate-limited']).toContain(result.kind);
  });
});
