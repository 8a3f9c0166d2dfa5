/**
 * The budget against independent models of Tencent's limit (bench/at-limit/models.ts), on a fake clock: a
 * burst of 200 cancels, then 60 a second for 20 s. Each call is written after a wait for a connection (up to
 * 150 ms for the first ones, which open new connections) and reaches "Tencent" after a network delay that varies
 * by up to the guard. No model may refuse a call, and the layer must still pass ≥ 19 a second.
 */
import { describe, expect, it } from 'vitest';
import { busiestWindow, MODEL_NAMES, modelNamed } from '../../../bench/at-limit/models.js';
import { CallBudget } from '../../../src/tencent/caller/budget.js';
import { MemoryWindowStore } from '../../../src/tencent/caller/memory-store.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A repeatable pseudo-random sequence in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const ACTION = 'ChannelCancelMultiFlowSignQRCode';

async function atLimit(guardMs: number, jitterMs: number) {
  const clock = new FakeClock(0);
  const windowMs = 1_000 + guardMs;
  const budget = new CallBudget({
    limit: 20,
    windowMs,
    maxWaitMs: 5_000,
    clock,
    store: new MemoryWindowStore({ limit: 20, windowMs, pendingMs: 10_000, clock }),
  });
  const random = seeded(7);
  const arrivals: number[] = [];
  let refused = 0;
  let admitted = 0;
  const call = () =>
    budget.admit(ACTION, { callerId: 'a', deadline: clock.now() + 5_000 }).then((admission) => {
      if (!admission.ok) {
        refused += 1;
        return;
      }
      // The first calls wait up to 150 ms for new connections, later ones a moment; then the network's delay.
      const writeDelayMs = random() * (admitted++ < 20 ? 150 : 2);
      clock.setTimeout(() => {
        budget.written(ACTION, admission.token);
        arrivals.push(clock.now() + 30 + random() * jitterMs);
      }, writeDelayMs);
    });
  const calls = Array.from({ length: 200 }, call);
  for (let i = 0; i < 1_200; i++) {
    await clock.advance(1_000 / 60);
    calls.push(call());
  }
  await clock.until(Promise.all(calls));
  // The last ones let through are still on their way.
  await clock.advance(1_000);
  arrivals.sort((a, b) => a - b);
  const outcomes = Object.fromEntries(
    MODEL_NAMES.map((name) => {
      const model = modelNamed(name);
      return [name, arrivals.filter((at) => !model.accept(at)).length];
    }),
  );
  const sustained = arrivals.filter((at) => at >= 0 && at < 20_000).length / 20;
  return { outcomes, busiest: busiestWindow(arrivals), sustained, admitted: arrivals.length, refused };
}

describe('the budget at the limit, against models of Tencent’s limit', () => {
  it('is refused by no model when the delay varies by up to the guard, and passes at least 19 calls a second', async () => {
    const run = await atLimit(25, 25);
    expect(run.outcomes).toEqual({ sliding: 0, 'token-bucket': 0, 'offset-300': 0, 'offset-700': 0 });
    expect(run.busiest).toBeLessThanOrEqual(20);
    expect(run.sustained).toBeGreaterThanOrEqual(19);
    expect(run.admitted + run.refused).toBe(1_400);
  });

  it('is refused by the sliding window when the delay varies by more than the guard (the guard is what holds)', async () => {
    const run = await atLimit(0, 25);
    expect(run.outcomes.sliding).toBeGreaterThan(0);
    expect(run.busiest).toBeGreaterThan(20);
  });
});
