/** The call budget in memory, on a fake clock: sliding window, fair share, deadlines, aborts and honest retry-after. */
import { describe, expect, it } from 'vitest';
import { type Admission, CallBudget } from '../../../src/tencent/caller/budget.js';
import { MemoryWindowStore } from '../../../src/tencent/caller/memory-store.js';
import type { TryResult, WindowStore } from '../../../src/tencent/caller/window.js';
import { busiestWindow } from '../../../bench/at-limit/models.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

const WINDOW_MS = 1_025;

function budget(limit = 20, maxWaitMs = 5_000, store?: (clock: FakeClock) => WindowStore) {
  const clock = new FakeClock();
  const t0 = clock.now();
  const subject = new CallBudget({
    limit,
    windowMs: WINDOW_MS,
    maxWaitMs,
    clock,
    store: store?.(clock) ?? new MemoryWindowStore({ limit, windowMs: WINDOW_MS, pendingMs: 10_000, clock }),
  });
  const log: { caller: string; at: number; admission: Admission }[] = [];
  /** Starts a call now; its admission lands in `log` with the time it was answered; admitted, it is written at once. */
  const call = (caller = 'a', signal?: AbortSignal) => {
    const answered = subject.admit('Cancel', { callerId: caller, deadline: clock.now() + maxWaitMs, signal });
    void answered.then((admission) => {
      log.push({ caller, at: clock.now() - t0, admission });
      if (admission.ok && !unwritten) subject.written('Cancel', admission.token);
    });
    return answered;
  };
  let unwritten = false;
  /** From now on, admitted calls stay unwritten (pending). */
  const holdWrites = () => {
    unwritten = true;
  };
  const admitted = () => log.filter((entry) => entry.admission.ok);
  return { subject, clock, call, log, admitted, holdWrites };
}

describe('CallBudget', () => {
  it('lets a burst start at most `limit` calls in any window, paced, and refuses at once what cannot start in time', async () => {
    const { clock, call, log, admitted } = budget(20, 5_000);
    const answers = Array.from({ length: 200 }, () => call());
    await clock.until(Promise.all(answers));

    const starts = admitted().map((entry) => entry.at);
    expect(busiestWindow(starts, WINDOW_MS)).toBe(20);
    // One start per 51.25 ms (1,025 / 20) on schedule, none more than half an interval early.
    const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(WINDOW_MS / 20 / 2);
    expect(starts.at(-1)).toBeLessThanOrEqual(5_000);
    expect(starts.length).toBeGreaterThanOrEqual(Math.floor((5_000 / WINDOW_MS) * 20));
    const refused = log.filter((entry) => !entry.admission.ok);
    expect(refused).toHaveLength(200 - starts.length);
    // Refused at once, not at their deadline, with when the next slot really comes (just past 5 s).
    expect(refused.every((entry) => entry.at === 0)).toBe(true);
    const retryAfters = refused.map(({ admission }) =>
      admission.ok ? 0 : 'retryAfterSeconds' in admission ? admission.retryAfterSeconds : 0,
    );
    expect(Math.min(...retryAfters)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...retryAfters)).toBeLessThanOrEqual(5.2);
  });

  it('answers a waiter at its own deadline, on its own timer', async () => {
    // A store that never has a slot for it: only the waiter's timer can answer it.
    const stuck = (): WindowStore => ({
      mode: 'shared',
      tryAdmit: async (): Promise<TryResult> => ({
        retryInMs: 400,
        paceInMs: 0,
        expiriesMs: () => [],
        effectiveLimit: 1,
        waitingElsewhere: [],
        activeCallers: 2,
      }),
      written() {},
      release() {},
      leave() {},
      close: async () => {},
    });
    const { clock, call, log } = budget(1, 2_000, stuck);
    await clock.advance(333);
    const answer = call();
    await clock.until(answer);
    expect(log).toEqual([
      { caller: 'a', at: 2_333, admission: expect.objectContaining({ ok: false, reason: 'limit' }) },
    ]);
  });

  it('takes a waiter whose caller went away out of the queue at once; it never gets a slot', async () => {
    const { clock, call, log, admitted } = budget(1, 5_000);
    const controller = new AbortController();
    call('a');
    call('b', controller.signal);
    call('c');
    await clock.advance(100);
    controller.abort();
    await settle();
    expect(log.map((entry) => [entry.caller, entry.at, entry.admission.ok])).toEqual([
      ['a', 0, true],
      ['b', 100, false],
    ]);
    expect(log[1]!.admission).toEqual({ ok: false, reason: 'cancelled' });
    await clock.advance(WINDOW_MS);
    expect(admitted().map((entry) => [entry.caller, entry.at])).toEqual([
      ['a', 0],
      ['c', WINDOW_MS],
    ]);
  });

  it('serves callers round-robin: one caller’s burst delays another’s single call by at most one slot', async () => {
    for (const arrivesAt of [10, 990]) {
      const { clock, call, admitted } = budget(20, 5_000);
      const burst = Array.from({ length: 80 }, () => call('tenant-a'));
      await clock.advance(arrivesAt);
      const single = call('tenant-b');
      await clock.until(Promise.all([...burst, single]));
      const b = admitted().find((entry) => entry.caller === 'tenant-b')!;
      const aheadOfB = admitted().filter((entry) => entry.at >= arrivesAt && entry.at < b.at);
      expect(aheadOfB.length).toBeLessThanOrEqual(1);
    }
  });

  it('shares the starts between callers that keep waiting, and gives one caller the whole limit when alone', async () => {
    const { clock, call, admitted } = budget(20, 5_000);
    const answers = [...Array.from({ length: 60 }, () => call('a')), ...Array.from({ length: 60 }, () => call('b'))];
    await clock.until(Promise.all(answers));
    const order = admitted().map((entry) => entry.caller);
    for (const part of [order.slice(0, 20), order.slice(20, 40)]) {
      expect(part.filter((caller) => caller === 'a')).toHaveLength(10);
      expect(part.filter((caller) => caller === 'b')).toHaveLength(10);
    }
    const alone = budget(20, 5_000);
    await alone.clock.until(Promise.all(Array.from({ length: 60 }, () => alone.call('a'))));
    expect(
      busiestWindow(
        alone.admitted().map((entry) => entry.at),
        WINDOW_MS,
      ),
    ).toBe(20);
  });

  it('caps the calls one caller may queue at what could start within the longest wait', async () => {
    const { subject, clock, call, log } = budget(20, 2_000);
    // 20 × (floor(2000 / 1025) + 1) = 40.
    expect(subject.perCallerCap).toBe(40);
    const answers = Array.from({ length: 41 }, () => call('a'));
    expect(await answers[40]).toMatchObject({ ok: false, reason: 'limit', retryAfterSeconds: 2.1 });
    expect(log.map((entry) => entry.at)).toEqual([0]);
    const other = call('b');
    await clock.until(Promise.all([...answers, other]));
    expect(log.find((entry) => entry.caller === 'b')!.admission.ok).toBe(true);
  });

  it('gives a slot back when an admitted call was not sent, and the next waiter takes it at once', async () => {
    const { subject, clock, call, log } = budget(1, 5_000);
    const first = await clock.until(call('a'));
    call('b');
    await clock.advance(200);
    expect(log).toHaveLength(1);
    if (!first.ok) throw new Error('not admitted');
    subject.release('Cancel', first.token);
    await settle();
    expect(log.map((entry) => [entry.caller, entry.at])).toEqual([
      ['a', 0],
      ['b', 200],
    ]);
  });

  it('counts a call from when it is written: let through and unwritten, it holds its slot in every window', async () => {
    const { subject, clock, call, admitted, holdWrites } = budget(1, 10_000);
    holdWrites();
    const first = await clock.until(call('a'));
    call('b');
    // Three windows pass while the first call waits for a connection: the second still may not start.
    await clock.advance(3_000);
    expect(admitted().map((entry) => entry.caller)).toEqual(['a']);
    if (!first.ok) throw new Error('not admitted');
    subject.written('Cancel', first.token);
    await clock.advance(WINDOW_MS - 1);
    expect(admitted()).toHaveLength(1);
    await clock.advance(1);
    expect(admitted().map((entry) => [entry.caller, entry.at])).toEqual([
      ['a', 0],
      ['b', 3_000 + WINDOW_MS],
    ]);
  });

  it('answers every waiting call as closed on close, and refuses calls after it', async () => {
    const { subject, clock, call, log } = budget(1, 5_000);
    call('a');
    call('b');
    call('c');
    await clock.advance(10);
    await subject.close();
    await settle();
    expect(log.map((entry) => [entry.caller, entry.admission])).toEqual([
      ['a', expect.objectContaining({ ok: true })],
      ['b', { ok: false, reason: 'closed' }],
      ['c', { ok: false, reason: 'closed' }],
    ]);
    expect(await call('d')).toEqual({ ok: false, reason: 'closed' });
  });
});
