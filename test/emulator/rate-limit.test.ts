/**
 * The emulator's reading of "20次/秒": at most 20 calls per action in any 1,000 ms. Driven by an
 * injected clock, so nothing here depends on how fast the test runs.
 */
import { describe, expect, it } from 'vitest';
import { SlidingWindowLimit } from '../../src/emulator/rate-limit.js';
import { DEMO } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import { docPost } from '../support/doc-signed.js';
import { TEST_CREDENTIALS } from '../support/emulator.js';

function limitAt(start: number, perWindow = 20) {
  const clock = { now: start };
  return { clock, limit: new SlidingWindowLimit(perWindow, () => clock.now) };
}
const admitted = (limit: SlidingWindowLimit, calls: number, action = 'A') =>
  Array.from({ length: calls }, () => limit.admit(action)).filter(Boolean).length;

describe('SlidingWindowLimit', () => {
  it('refuses 20 calls just after a second turns after 20 just before it (a whole-second counter took all 40)', () => {
    const { clock, limit } = limitAt(999);
    expect(admitted(limit, 20)).toBe(20);
    clock.now = 1_001;
    expect(admitted(limit, 20)).toBe(0);
  });

  it('admits again exactly 1,000 ms after the calls it counts, one freed slot per call that left the window', () => {
    const { clock, limit } = limitAt(0);
    for (let i = 0; i < 20; i++) {
      clock.now = i * 10;
      expect(limit.admit('A')).toBe(true);
    }
    clock.now = 999;
    expect(limit.admit('A')).toBe(false);
    clock.now = 1_000; // the first call (at 0) is now out of the window
    expect(admitted(limit, 2)).toBe(1);
    clock.now = 1_010;
    expect(admitted(limit, 2)).toBe(1);
  });

  it('never admits more than 20 in any 1,000 ms of a steady stream', () => {
    const { clock, limit } = limitAt(0);
    const times: number[] = [];
    for (let t = 0; t < 5_000; t += 7) {
      clock.now = t;
      if (limit.admit('A')) times.push(t);
    }
    for (const start of times)
      expect(times.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(20);
    expect(times.length).toBeGreaterThanOrEqual(100);
  });

  it('does not count refused calls, counts each action apart, and is off at 0', () => {
    const { clock, limit } = limitAt(0, 2);
    expect(admitted(limit, 5)).toBe(2);
    expect(admitted(limit, 5, 'B')).toBe(2);
    clock.now = 1_000;
    expect(admitted(limit, 5)).toBe(2);
    expect(admitted(new SlidingWindowLimit(0, () => 0), 1_000)).toBe(1_000);
  });
});

describe('the emulator’s limit over HTTP, on its injected clock', () => {
  it('answers RequestLimitExceeded to the 21st call in 1,000 ms across a second, and admits it later', async () => {
    let now = Date.parse('2024-03-12T00:00:00.990Z');
    const emulator = await startEmulator({ credentials: TEST_CREDENTIALS, rateLimitPerSecond: 20, now: () => now });
    const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };
    const Agent = {
      AppId: DEMO.appId,
      ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
      ProxyOperator: { OpenId: 'n9527' },
    };
    const cancel = () => {
      const body = JSON.stringify({ QrCodeId: emulator.state.createQrCode(owner, 7).id, Agent });
      return docPost(emulator.url, {
        action: 'ChannelCancelMultiFlowSignQRCode',
        service: 'essbasic',
        body,
        timestamp: Math.floor(now / 1000),
      });
    };
    try {
      for (let i = 0; i < 20; i++) expect((await cancel()).Response.Error).toBeUndefined();
      now += 20; // the next second has begun
      expect((await cancel()).Response.Error?.Code).toBe('RequestLimitExceeded');
      now += 980; // 1,000 ms after the first call
      expect((await cancel()).Response.Error).toBeUndefined();
    } finally {
      await emulator.close();
    }
  });
});
