import { describe, expect, it } from 'vitest';
import { type BreakerState, CircuitBreaker } from '../../src/tencent/breaker.js';

function breaker(failureThreshold = 3) {
  const clock = { now: 0 };
  const states: BreakerState[] = [];
  const subject = new CircuitBreaker({
    failureThreshold,
    cooldownMs: 1_000,
    now: () => clock.now,
    onStateChange: (state) => states.push(state),
  });
  return { subject, clock, states };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of failures in a row, not after interrupted ones', () => {
    const { subject, states } = breaker(3);
    subject.record(false);
    subject.record(false);
    subject.record(true);
    subject.record(false);
    subject.record(false);
    expect(subject.state).toBe('closed');
    subject.record(false);
    expect(subject.state).toBe('open');
    expect(subject.allow()).toBe(false);
    expect(states).toEqual(['open']);
  });

  it('lets exactly one probe through after the cool-down, and closes when it succeeds', () => {
    const { subject, clock, states } = breaker(1);
    subject.record(false);
    clock.now = 400;
    expect(subject.retryAfterSeconds).toBe(1);
    expect(subject.allow()).toBe(false);
    clock.now = 1_000;
    expect(subject.allow()).toBe(true);
    expect(subject.state).toBe('half-open');
    expect(subject.allow()).toBe(false);
    subject.record(true);
    expect(subject.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens for a new cool-down when the probe fails', () => {
    const { subject, clock } = breaker(5);
    for (let i = 0; i < 5; i++) subject.record(false);
    clock.now = 1_000;
    expect(subject.allow()).toBe(true);
    subject.record(false);
    expect(subject.state).toBe('open');
    clock.now = 1_999;
    expect(subject.allow()).toBe(false);
  });

  it('gives a probe back when the call was not made', () => {
    const { subject, clock } = breaker(1);
    subject.record(false);
    clock.now = 1_000;
    expect(subject.allow()).toBe(true);
    subject.release();
    expect(subject.allow()).toBe(true);
  });
});
