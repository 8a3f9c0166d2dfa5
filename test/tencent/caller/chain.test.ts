/**
 * The caller chain on a fake clock, with scripted attempts in place of the HTTP client: one deadline per
 * call, retries only where nothing was applied, the breaker on calls in flight, caller aborts and shutdown.
 */
import { describe, expect, it } from 'vitest';
import { type CallerChainOptions, createCallerChain } from '../../../src/tencent/caller/chain.js';
import type { TencentCallRecord } from '../../../src/tencent/caller/instrumented.js';
import type { TencentOutcome } from '../../../src/tencent/caller/types.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../../src/tencent/essbasic.js';
import { FakeClock, settle } from '../../support/fake-clock.js';
import { OK, refusedConnection, ScriptedAttempts, tencentError } from '../../support/scripted-attempts.js';

const action = ChannelCancelMultiFlowSignQRCode;
const request = {
  Agent: { AppId: 'app', ProxyOrganizationOpenId: 'org', ProxyOperator: { OpenId: 'op' } },
  QrCodeId: 'q'.repeat(32),
};

function chain(overrides: Partial<CallerChainOptions> = {}) {
  const clock = new FakeClock(0);
  const upstream = new ScriptedAttempts(clock);
  const records: TencentCallRecord[] = [];
  const breakerChanges: string[] = [];
  const subject = createCallerChain(
    upstream,
    {
      limit: 20,
      guardMs: 25,
      maxWaitMs: 5_000,
      timeoutMs: 10_000,
      retry: { attempts: 3 },
      breaker: { failures: 5, cooldownMs: 10_000, slowCallMs: 3_000 },
      clock,
      random: () => 0.5,
      ...overrides,
    },
    {
      tencentCall: (record) => records.push(record),
      breakerChanged: (service, state) => breakerChanges.push(`${service}:${state}`),
    },
  );
  const answers: { at: number; outcome: TencentOutcome<unknown> }[] = [];
  const call = (options: Parameters<typeof subject.caller.call>[2] = {}) => {
    const answered = subject.caller.call(action, request, options);
    void answered.then((outcome) => answers.push({ at: clock.now(), outcome }));
    return answered;
  };
  return { clock, upstream, subject, call, answers, records, breakerChanges };
}

const kindOf = (outcome: TencentOutcome<unknown>) =>
  outcome.ok ? 'ok' : outcome.failure.kind === 'upstream' ? `upstream:${outcome.failure.reason}` : outcome.failure.kind;

describe('the caller chain', () => {
  it('keeps one deadline per call: a call Tencent refuses re-queues within the same wait, never past it', async () => {
    const { clock, upstream, call, answers } = chain();
    // Tencent refuses every first attempt (RequestLimitExceeded), answers the rest at once.
    upstream.respond = (attempt) => {
      const first = upstream.attempts.filter((a) => a.options.requestId === attempt.options.requestId).length === 1;
      attempt.write();
      attempt.answer(first ? tencentError('RequestLimitExceeded') : OK);
    };
    const calls = Array.from({ length: 60 }, (_, i) => call({ requestId: `r${i}` }));
    await clock.until(Promise.all(calls));
    // Every call arrived at 0: none answered past 5 s (all it may wait, over all its attempts), no attempt started
    // after that; what could not start in time was refused at once, not sent late.
    const kinds = answers.map((answer) => kindOf(answer.outcome));
    expect(kinds.filter((kind) => kind === 'ok').length).toBeGreaterThanOrEqual(30);
    expect(kinds.filter((kind) => kind === 'ok' || kind === 'rate-limited')).toHaveLength(60);
    expect(Math.max(...answers.map((answer) => answer.at))).toBeLessThanOrEqual(5_000);
    expect(Math.max(...upstream.attempts.map((attempt) => attempt.startedAt))).toBeLessThanOrEqual(5_000);
  });

  it('repeats only what provably had no effect, each retry taking budget again', async () => {
    const { clock, upstream, call, records } = chain();
    upstream.respond = (attempt) => attempt.answer(upstream.attempts.length < 3 ? refusedConnection : OK);
    expect(await clock.until(call({ requestId: 'r' }))).toEqual(OK);
    expect(records.map((record) => [record.attempt, record.code])).toEqual([
      [1, 'upstream:network'],
      [2, 'upstream:network'],
      [3, 'OK'],
    ]);

    upstream.respond = (attempt) => {
      attempt.write();
      attempt.answer({
        ok: false,
        failure: { kind: 'upstream', reason: 'network', message: 'ECONNRESET', outcomeUnknown: true },
      });
    };
    const before = upstream.attempts.length;
    const unknown = await clock.until(call());
    expect(unknown).toMatchObject({ ok: false, failure: { outcomeUnknown: true } });
    expect(upstream.attempts.length - before).toBe(1);
  });

  it('reports each attempt with its number and the time it waited for budget', async () => {
    const { clock, upstream, call, records } = chain({ limit: 1, maxWaitMs: 3_000 });
    upstream.respond = (attempt) => {
      attempt.write();
      attempt.answer(OK);
    };
    await clock.until(Promise.all([call({ requestId: 'a', operation: 'Op' }), call({ requestId: 'b' })]));
    expect(records).toEqual([
      expect.objectContaining({
        reqId: 'a',
        operation: 'Op',
        attempt: 1,
        queuedMs: 0,
        code: 'OK',
        action: action.name,
      }),
      expect.objectContaining({ reqId: 'b', attempt: 1, queuedMs: 1_025, code: 'OK' }),
    ]);
  });

  it('opens the breaker on calls hanging past the slow-call time, before any has finished', async () => {
    const { clock, upstream, call, breakerChanges, answers } = chain();
    upstream.respond = (attempt) => attempt.write();
    for (let i = 0; i < 100 && breakerChanges.length === 0; i++) {
      void call();
      await clock.advance(50);
    }
    expect(breakerChanges).toEqual(['essbasic:open']);
    // Opened 200 ms after the first call turned slow (3 s): five slow calls, no outcome needed.
    expect(clock.now()).toBeLessThanOrEqual(3_250);
    expect(answers).toEqual([]);
    const refused = await call();
    expect(refused).toMatchObject({ ok: false, failure: { reason: 'circuit-open', outcomeUnknown: false } });
  });

  it('never sends a call whose caller has gone: it leaves the queue, or its attempt stops before it is written', async () => {
    const { clock, upstream, call, answers } = chain({ limit: 1 });
    upstream.respond = (attempt) => attempt.write();
    void call({ requestId: 'first' });
    const queued = new AbortController();
    const waiting = call({ requestId: 'queued', signal: queued.signal });
    await clock.advance(100);
    queued.abort();
    expect(await waiting).toMatchObject({ ok: false, failure: { reason: 'cancelled', outcomeUnknown: false } });
    expect(answers.map((answer) => answer.at)).toEqual([100]);

    upstream.respond = undefined;
    await clock.advance(2_000);
    const leaving = new AbortController();
    const unwritten = call({ requestId: 'unwritten', signal: leaving.signal });
    await settle();
    const attempt = upstream.attempts.at(-1)!;
    expect(attempt.options.requestId).toBe('unwritten');
    leaving.abort();
    expect(await unwritten).toMatchObject({ ok: false, failure: { reason: 'cancelled', outcomeUnknown: false } });
    expect(attempt.written).toBe(false);
    expect(upstream.attempts.map((a) => a.options.requestId)).not.toContain('queued');
  });

  it('awaits beforeSend once before the first attempt; when it fails nothing is sent and the slot is given back', async () => {
    const { clock, upstream, call } = chain({ limit: 1 });
    upstream.respond = (attempt) => {
      if (upstream.attempts.length === 1) return attempt.answer(refusedConnection);
      attempt.write();
      attempt.answer(OK);
    };
    const marks: number[] = [];
    await clock.until(call({ beforeSend: async () => void marks.push(upstream.attempts.length) }));
    expect(marks).toEqual([0]);

    await clock.advance(5_000);
    const before = upstream.attempts.length;
    const failed = call({
      beforeSend: () => Promise.reject(new Error('store down')),
    });
    const next = call();
    expect(await clock.until(failed)).toMatchObject({ ok: false, failure: { outcomeUnknown: false } });
    await clock.until(next);
    // The refused call's slot went to the next one at once.
    expect(upstream.attempts.length - before).toBe(1);
    expect(upstream.attempts.at(-1)!.startedAt).toBe(clock.now());
  });

  it('answers not sent at the call’s deadline, or at shutdown, when beforeSend never settles', async () => {
    const { clock, upstream, subject, call, answers } = chain();
    const never = () => new Promise<void>(() => {});
    const late = call({ beforeSend: never });
    expect(await clock.until(late)).toMatchObject({ ok: false, failure: { reason: 'timeout', outcomeUnknown: false } });
    expect(answers.map((answer) => answer.at)).toEqual([10_000]);
    const cut = call({ beforeSend: never });
    await clock.advance(100);
    await subject.shutdown(1_000);
    expect(await cut).toMatchObject({ ok: false, failure: { reason: 'shutdown', outcomeUnknown: false } });
    expect(clock.now()).toBe(10_100);
    expect(upstream.attempts).toEqual([]);
  });

  it('on shutdown answers waiting and unwritten calls at once as not sent, and written ones by the deadline', async () => {
    const { clock, upstream, subject, call, answers } = chain();
    // Two attempts run (started at 0 and, paced, 25.6 ms): one written (hanging at Tencent), one still waiting
    // for a connection.
    upstream.respond = (attempt) => {
      if (upstream.attempts.length === 1) attempt.write();
    };
    const written = call({ requestId: 'written' });
    const unwritten = call({ requestId: 'unwritten' });
    const queued = Array.from({ length: 5 }, (_, i) => call({ requestId: `queued-${i}` }));
    await clock.advance(60);
    const done = subject.shutdown(2_000);
    await settle();
    for (const outcome of [await unwritten, ...(await Promise.all(queued))]) {
      expect(outcome).toMatchObject({ ok: false, failure: { reason: 'shutdown', outcomeUnknown: false } });
    }
    expect(answers.every((answer) => answer.at === 60)).toBe(true);
    await clock.until(done);
    expect(await written).toMatchObject({ ok: false, failure: { reason: 'shutdown', outcomeUnknown: true } });
    expect(clock.now()).toBe(2_060);
    // Nothing was dispatched once shutdown began, and later calls are refused at once.
    expect(upstream.attempts).toHaveLength(2);
    expect(await call()).toMatchObject({ ok: false, failure: { reason: 'shutdown', outcomeUnknown: false } });
  });

  it('on shutdown lets a written call that answers in time keep its answer', async () => {
    const { clock, upstream, subject, call } = chain();
    upstream.respond = (attempt) => attempt.write();
    const written = call();
    await settle();
    const done = subject.shutdown(2_000);
    await clock.advance(500);
    upstream.attempts[0]!.answer(OK);
    await clock.until(done);
    expect(await written).toEqual(OK);
    expect(clock.now()).toBe(500);
  });

  it('refuses at once, with an honest retry-after, what the budget cannot start in time', async () => {
    const { clock, upstream, call } = chain({ limit: 20, maxWaitMs: 2_000 });
    upstream.respond = (attempt) => {
      attempt.write();
      attempt.answer(OK);
    };
    const calls = Array.from({ length: 100 }, () => call());
    await settle(5);
    const early = await Promise.all(calls.slice(60));
    // 60 can start within 2 s (at 0, 1,025 and 2,050 ms is too late: 0 and 1,025 only → 40); the rest are refused now.
    for (const outcome of early) expect(outcome).toMatchObject({ ok: false, failure: { kind: 'rate-limited' } });
    await clock.until(Promise.all(calls));
    const refused = (await Promise.all(calls)).filter((outcome) => !outcome.ok);
    expect(refused).toHaveLength(60);
    expect(refused[0]).toMatchObject({ failure: { retryAfterSeconds: 2.1 } });
  });

  it('rejects options that leave an attempt no time', () => {
    expect(() => chain({ maxWaitMs: 10_000, timeoutMs: 10_000 })).toThrow(/maxWaitMs must be .* below timeoutMs/);
  });
});
