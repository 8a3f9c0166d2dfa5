/**
 * The per-action call budget through the whole service, against an emulator that enforces the strictest reading of
 * Tencent's limit (20 calls of an action in any 1,000 ms): bursts wait or are refused before Tencent, one caller's
 * burst does not starve another, and replicas sharing Redis stay within the limit together.
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/emulator/server.js';
import { apiKeyDigest } from '../../src/plugins/auth/api-keys.js';
import { useEmulator } from '../support/emulator.js';
import { spawnService } from '../support/process.js';
import { redisAvailable, useRedis } from '../support/redis.js';
import {
  CANCEL_QR_CODE,
  type CancelResult,
  cancelQrCode,
  DEMO_AGENT,
  post,
  seedQrCode,
  useServices,
} from '../support/service.js';

/** The most calls the emulator received in any 1,000 ms: a sliding window, whatever the whole seconds say. */
function busiestSlidingSecond(calls: readonly CallRecord[]): number {
  const times = calls.map((call) => call.at).sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= 1000) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

function count(results: CancelResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { __typename } of results) counts[__typename] = (counts[__typename] ?? 0) + 1;
  return counts;
}

describe('a burst of 200 cancels', () => {
  const emulator = useEmulator({ rateLimitPerSecond: 20 });
  const start = useServices(emulator);

  it('meets no RequestLimitExceeded: each answer is a success or RateLimitedError, refused ones at once', async () => {
    const service = await start({ TENCENT_RATE_LIMIT_MAX_WAIT_MS: '2000', TENCENT_TIMEOUT_MS: '5000' });
    const calls = emulator.current.calls.length;
    const startedAt = performance.now();
    const timed = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const result = await cancelQrCode(service.url, seedQrCode(emulator.current));
        return { result, ms: performance.now() - startedAt };
      }),
    );
    const results = timed.map(({ result }) => result);

    const counts = count(results);
    const sent = emulator.current.calls.slice(calls);
    expect(Object.keys(counts).sort()).toEqual(['ChannelCancelMultiFlowSignQRCodeSuccess', 'RateLimitedError']);
    expect(sent.filter((call) => call.code !== null)).toEqual([]);
    expect(sent).toHaveLength(counts.ChannelCancelMultiFlowSignQRCodeSuccess!);
    expect(busiestSlidingSecond(sent)).toBeLessThanOrEqual(20);
    // Within a 2 s wait, about 20 a second start: at least the first window's and the paced ones after it.
    expect(counts.ChannelCancelMultiFlowSignQRCodeSuccess).toBeGreaterThanOrEqual(40);
    const refusals = timed.filter(({ result }) => result.__typename === 'RateLimitedError');
    for (const { result, ms } of refusals) {
      expect(result.message).toContain('nothing was sent');
      expect(result.retryAfterSeconds).toBeGreaterThan(0);
      // The wait promised is the longest wait: never past the 2 s it may wait (a little slack for this machine).
      expect(ms).toBeLessThan(2_500);
    }
    // What clearly could not start in time is refused at once, not after waiting for nothing: a refusal that waited
    // comes at the 2 s it may wait or later, so 1.5 s tells the two apart with room for a loaded machine.
    expect(refusals.filter(({ ms }) => ms < 1_500).length).toBeGreaterThanOrEqual(refusals.length * 0.8);
  });
});

describe('two callers sharing the budget', () => {
  const emulator = useEmulator({ rateLimitPerSecond: 20 });
  const start = useServices(emulator);
  const keys = { a: 'esk_tenant-a-key-0123456789abcdefghij', b: 'esk_tenant-b-key-0123456789abcdefghij' };

  it("give one caller's single cancel its turn while another's burst of 220 waits", async () => {
    const apiKeys = Object.entries(keys).map(([name, key]) => ({
      name,
      sha256: apiKeyDigest(key),
      unrestricted: true,
    }));
    const service = await start({
      NODE_ENV: 'production',
      AUTH_API_KEYS: JSON.stringify(apiKeys),
      TENCENT_RATE_LIMIT_MAX_WAIT_MS: '2000',
      TENCENT_TIMEOUT_MS: '3000',
    });
    const cancel = async (key: string) => {
      const payload = {
        query: CANCEL_QR_CODE,
        variables: { input: { agent: DEMO_AGENT, qrCodeId: seedQrCode(emulator.current) } },
      };
      const { body } = await post(service.url, payload, { 'x-api-key': key });
      return body.data!.result as unknown as CancelResult;
    };
    const burst = Promise.all(Array.from({ length: 220 }, () => cancel(keys.a)));
    // B arrives while A's burst fills the queue, and is served at its fair turn instead of after the burst.
    const startedAt = performance.now();
    const single = await cancel(keys.b);
    const waitedMs = performance.now() - startedAt;
    const tenantA = count(await burst);

    expect(single.__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(waitedMs).toBeLessThan(2000);
    expect(tenantA.ChannelCancelMultiFlowSignQRCodeSuccess).toBeGreaterThan(0);
    expect(emulator.current.calls.filter((call) => call.code === 'RequestLimitExceeded')).toEqual([]);
  });
});

describe.skipIf(!redisAvailable)('two replicas sharing Redis', () => {
  const emulator = useEmulator({ rateLimitPerSecond: 20 });
  const redis = useRedis();

  // Replicas in processes of their own, as deployed: in one process their bursts would delay the emulator's clock.
  it('stay within 20 calls in any 1,000 ms together', async () => {
    const env = { REDIS_URL: redis.url, TENCENT_RATE_LIMIT_MAX_WAIT_MS: '2000' };
    const replicas = await Promise.all([spawnService(emulator.current, env), spawnService(emulator.current, env)]);
    const calls = emulator.current.calls.length;
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => cancelQrCode(replicas[i % 2]!.url, seedQrCode(emulator.current))),
    ).finally(() => Promise.all(replicas.map((replica) => replica.stop())));

    const sent = emulator.current.calls.slice(calls);
    expect(sent.filter((call) => call.code !== null)).toEqual([]);
    expect(busiestSlidingSecond(sent)).toBeLessThanOrEqual(20);
    const counts = count(results);
    expect(counts.ChannelCancelMultiFlowSignQRCodeSuccess).toBe(sent.length);
    expect(counts.ChannelCancelMultiFlowSignQRCodeSuccess! + (counts.RateLimitedError ?? 0)).toBe(120);
  });
});
