/**
 * The per-action call budget through the whole service, against an emulator
 * that enforces Tencent's limit of 20 calls per second per action: bursts
 * wait or are refused before Tencent, alone and across replicas sharing Redis.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/emulator/server.js';
import type { RunningService } from '../../src/server/service.js';
import { useEmulator } from '../support/emulator.js';
import { spawnService } from '../support/process.js';
import { redisAvailable, useRedis } from '../support/redis.js';
import { type CancelResult, cancelQrCode, seedQrCode, useServices } from '../support/service.js';

const emulator = useEmulator({ rateLimitPerSecond: 20 });
const start = useServices(emulator);
const cancel = (service: RunningService) => cancelQrCode(service.url, seedQrCode(emulator.current));
// Each test starts with the emulator's current second unspent.
afterEach(() => sleep(1000 - (Date.now() % 1000)));

/** The most calls that started in one whole second, as the emulator saw them. */
function busiestSecond(calls: readonly CallRecord[]): number {
  const perSecond = new Map<number, number>();
  for (const { at } of calls) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  return Math.max(0, ...perSecond.values());
}

function count(results: CancelResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { __typename } of results) counts[__typename] = (counts[__typename] ?? 0) + 1;
  return counts;
}

describe('rate limit', () => {
  it('absorbs a burst of 200 cancels: no RequestLimitExceeded reaches Tencent, each answer is a success or RateLimitedError', async () => {
    const service = await start({ TENCENT_RATE_LIMIT_MAX_WAIT_MS: '2000' });
    const calls = emulator.current.calls.length;
    const results = await Promise.all(Array.from({ length: 200 }, () => cancel(service)));

    const counts = count(results);
    const sent = emulator.current.calls.slice(calls);
    expect(Object.keys(counts).sort()).toEqual(['ChannelCancelMultiFlowSignQRCodeSuccess', 'RateLimitedError']);
    expect(sent.filter((call) => call.code !== null)).toEqual([]);
    expect(sent).toHaveLength(counts.ChannelCancelMultiFlowSignQRCodeSuccess!);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(20);
    for (const refused of results.filter((result) => result.__typename === 'RateLimitedError')) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.message).toContain('nothing was sent');
    }
  });

  it('refuses at once, before Tencent, what the queue cannot hold', async () => {
    const service = await start({ TENCENT_RATE_LIMIT_PER_SECOND: '1', TENCENT_RATE_LIMIT_QUEUE: '0' });
    const calls = emulator.current.calls.length;
    const results = await Promise.all([cancel(service), cancel(service), cancel(service)]);
    expect(results.map((r) => r.__typename).sort()).toEqual([
      'ChannelCancelMultiFlowSignQRCodeSuccess',
      'RateLimitedError',
      'RateLimitedError',
    ]);
    expect(emulator.current.calls.length - calls).toBe(1);
  });
});

describe.skipIf(!redisAvailable)('two replicas sharing Redis', () => {
  const redis = useRedis();

  // Replicas in processes of their own, as deployed: in one process their bursts would delay the emulator's clock reading.
  it('stay within 20 calls per second together', async () => {
    const env = { REDIS_URL: redis.url, TENCENT_RATE_LIMIT_MAX_WAIT_MS: '2000' };
    const replicas = await Promise.all([spawnService(emulator.current, env), spawnService(emulator.current, env)]);
    const calls = emulator.current.calls.length;
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => cancelQrCode(replicas[i % 2]!.url, seedQrCode(emulator.current))),
    ).finally(() => Promise.all(replicas.map((replica) => replica.stop())));

    const sent = emulator.current.calls.slice(calls);
    expect(sent.filter((call) => call.code !== null)).toEqual([]);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(20);
    const counts = count(results);
    expect(counts.ChannelCancelMultiFlowSignQRCodeSuccess).toBe(sent.length);
    expect(counts.ChannelCancelMultiFlowSignQRCodeSuccess! + (counts.RateLimitedError ?? 0)).toBe(120);
  });
});
