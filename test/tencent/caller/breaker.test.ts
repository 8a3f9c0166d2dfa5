import { describe, expect, it } from 'vitest';
import { type BreakerState, CircuitBreaker } from '../../../src/tencent/caller/breaker.js';
import { FakeClock } from '../../support/fake-clock.js';

function breaker(failures = 3, cooldownMs = 10_000, slowCallMs = 3_000) {
  const clock = new FakeClock();
  const changes: { state: BreakerState; at: number }[] = [];
  const subject = new CircuitBreaker({
    failures,
    cooldownMs,
    slowCallMs,
    clock,
    onStateChange: (state) => changes.push({ state, at: clock.now() }),
  });
  return { subject, clock, changes, states: () => changes.map((change) => change.state) };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of failures in a row, not after interrupted ones', () => {
    const { subject, states } = breaker(3);
    for (const healthy of [false, false, true, false, false]) subject.settle(subject.acquire()!, healthy);
    expect(subject.state).toBe('closed');
    subject.settle(subject.acquire()!, false);
    expect(subject.state).toBe('open');
    expect(subject.acquire()).toBeUndefined();
    expect(states()).toEqual(['open']);
  });

  it('stays open exactly the cool-down, then lets one probe through, which closes it', async () => {
    const { subject, clock, changes, states } = breaker(1, 10_000);
    subject.settle(subject.acquire()!, false);
    await clock.advance(9_999);
    expect(subject.state).toBe('open');
    expect(subject.retryAfterMs).toBe(1);
    await clock.advance(1);
    expect(subject.state).toBe('half-open');
    expect(changes[1]!.at - changes[0]!.at).toBe(10_000);
    const probe = subject.acquire()!;
    expect(subject.acquire()).toBeUndefined();
    subject.settle(probe, true);
    expect(states()).toEqual(['open', 'half-open', 'closed']);
    expect(subject.acquire()).toBeDefined();
  });

  it('re-opens for a fresh cool-down when the probe fails', async () => {
    const { subject, clock, changes } = breaker(1, 1_000);
    subject.settle(subject.acquire()!, false);
    await clock.advance(1_000);
    subject.settle(subject.acquire()!, false);
    expect(subject.state).toBe('open');
    await clock.advance(999);
    expect(subject.state).toBe('open');
    await clock.advance(1);
    expect(changes.map((c) => [c.state, c.at - changes[0]!.at])).toEqual([
      ['open', 0],
      ['half-open', 1_000],
      ['open', 1_000],
      ['half-open', 2_000],
    ]);
  });

  it('does not let outcomes of calls started before it opened extend or move it', async () => {
    const { subject, clock, changes } = breaker(2, 10_000, 60_000);
    const early = Array.from({ length: 10 }, () => subject.acquire()!);
    subject.settle(early[0]!, false);
    subject.settle(early[1]!, false);
    expect(subject.state).toBe('open');
    // The other eight fail late, one second apart, while it is open: nothing changes.
    for (const ticket of early.slice(2, 6)) {
      await clock.advance(1_000);
      subject.settle(ticket, false);
    }
    await clock.advance(6_000);
    expect(subject.state).toBe('half-open');
    expect(changes[1]!.at - changes[0]!.at).toBe(10_000);
    // A late success of an old call does not close it either; the probe decides.
    subject.settle(early[6]!, true);
    expect(subject.state).toBe('half-open');
    const probe = subject.acquire()!;
    subject.settle(early[7]!, false);
    expect(subject.state).toBe('half-open');
    subject.settle(probe, true);
    expect(subject.state).toBe('closed');
    subject.settle(early[8]!, false);
    subject.settle(early[9]!, false);
    expect(subject.state).toBe('closed');
  });

  it('opens against a hanging upstream once `failures` calls have been in flight past the slow-call time', async () => {
    const { subject, clock, changes } = breaker(5, 10_000, 3_000);
    // 20 calls a second, none ever answered.
    let sent = 0;
    while (subject.state === 'closed') {
      const ticket = subject.acquire();
      if (ticket) sent += 1;
      await clock.advance(50);
    }
    // The first call turned slow at 3,000 ms, the fifth 200 ms later: the calls sent at 0, 50, … 3,150 ms went out.
    expect(changes[0]!.at - 1_000_000).toBe(3_200);
    expect(sent).toBe(64);
  });

  it('counts a slow call once, when it turns slow, and not again when it finally fails or succeeds', async () => {
    const { subject, clock } = breaker(2, 10_000, 1_000);
    const slow = subject.acquire()!;
    await clock.advance(1_000);
    subject.settle(slow, true);
    expect(subject.state).toBe('closed');
    subject.settle(subject.acquire()!, false);
    expect(subject.state).toBe('open');
  });

  it('gives a probe back when its call was not made', async () => {
    const { subject, clock } = breaker(1, 1_000);
    subject.settle(subject.acquire()!, false);
    await clock.advance(1_000);
    const probe = subject.acquire()!;
    expect(subject.acquire()).toBeUndefined();
    subject.release(probe);
    expect(subject.acquire()).toBeDefined();
  });

  it('fails the probe when it hangs past the slow-call time', async () => {
    const { subject, clock, states } = breaker(1, 1_000, 500);
    subject.settle(subject.acquire()!, false);
    await clock.advance(1_000);
    subject.acquire();
    await clock.advance(500);
    expect(states()).toEqual(['open', 'half-open', 'open']);
  });
});
