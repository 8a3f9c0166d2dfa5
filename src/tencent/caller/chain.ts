/**
 * The Tencent caller chain: call budget → breaker → retries → instrumentation
 * → client, with one deadline per call and a shutdown that answers every
 * caller. A call's deadline (`timeoutMs` from its arrival) covers the queue,
 * every attempt, the back-off between them and the wait for a pooled
 * connection; no attempt starts later than `maxWaitMs` after the call arrived,
 * so each has at least `timeoutMs - maxWaitMs` for Tencent to answer.
 */
import type { ReplyOf, RequestOf, TencentAction } from '../action.js';
import { SERVICES, type Service } from '../endpoints.js';
import { type BreakerState, type BreakerTicket, CircuitBreaker } from './breaker.js';
import { type Admission, CallBudget } from './budget.js';
import { type Clock, sleep, systemClock } from './clock.js';
import { InstrumentedCaller, type TencentCallRecord } from './instrumented.js';
import { MemoryWindowStore } from './memory-store.js';
import { RedisWindowStore, type RedisWindowOptions } from './redis-store.js';
import { backoffMs, provablyNotApplied, type RetryOptions } from './retry.js';
import type {
  AbortReason,
  AttemptCaller,
  AttemptControl,
  AttemptHandle,
  AttemptOptions,
  CallOptions,
  Language,
  TencentCaller,
  TencentOutcome,
  TraceSpan,
  UpstreamReason,
} from './types.js';
import type { BudgetMode } from './window.js';

/** Chosen from the at-limit runs (`npx tsx bench/at-limit.ts --guard 0,10,25,50`). */
export const DEFAULT_GUARD_MS = 25;

export interface CallerChainOptions {
  /** Calls of one action that may start in any window; 0 turns the budget off. */
  limit: number;
  /** Added to Tencent's 1,000 ms window, for the spread of network delay between the layer and Tencent. */
  guardMs?: number;
  /** Longest a call waits for budget, over all its attempts; below `timeoutMs`. */
  maxWaitMs: number;
  /** A call's whole deadline, from its arrival to its answer. */
  timeoutMs: number;
  retry: { attempts: number; baseDelayMs?: number; maxDelayMs?: number };
  breaker: { failures: number; cooldownMs: number; slowCallMs: number };
  /** Shares the budget between replicas; in memory when absent. */
  redis?: Pick<RedisWindowOptions, 'redis' | 'keyPrefix' | 'heartbeatMs' | 'localShareMs' | 'commandTimeoutMs'>;
  clock?: Clock;
  random?: () => number;
}

/** Where the chain reports what it does; every hook is optional. */
export interface CallerObserver {
  /** One per attempt that reached the client. */
  tencentCall?(record: TencentCallRecord): void;
  limiterAdmitted?(action: string, waitedMs: number): void;
  breakerChanged?(service: Service, state: BreakerState, previous: BreakerState): void;
  budgetModeChanged?(mode: BudgetMode, previous: BudgetMode): void;
}

export interface CallerChain {
  caller: TencentCaller;
  breakers: Readonly<Record<Service, CircuitBreaker>>;
  /** Absent when the budget is off (`limit` 0). */
  budget: CallBudget | undefined;
  /**
   * Stops admitting; answers waiting calls at once (not sent), stops attempts not yet written (not sent), gives
   * written ones until `withinMs` from now and then answers them outcome unknown. Resolves once every call has
   * its answer.
   */
  shutdown(withinMs: number): Promise<void>;
}

/** Tencent's own window. */
export const TENCENT_WINDOW_MS = 1_000;
const ANONYMOUS = 'anonymous';
const RETRY_BASE_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 2_000;

/** One call through the chain; it is also the client's attempt options, so an attempt allocates nothing more. */
class Call implements AttemptOptions, AttemptControl {
  readonly requestId: string | undefined;
  readonly operation: string | undefined;
  readonly span: TraceSpan | undefined;
  readonly language: Language | undefined;
  readonly control = this;
  timeoutMs = 0;
  attempt = 0;
  queuedMs = 0;
  stopping = false;
  /** The budget slot of the attempt running, if the budget is on. */
  token: string | undefined;
  private handle: AttemptHandle | undefined;
  /** A wait between attempts (back-off, `beforeSend`) that shutdown or the caller leaving cuts short. */
  private waiting: { cancel(): void } | undefined;

  constructor(
    options: CallOptions,
    private readonly action: string,
    private readonly budget: CallBudget | undefined,
  ) {
    this.requestId = options.requestId;
    this.operation = options.operation;
    this.span = options.span;
    this.language = options.language;
  }

  running(handle: AttemptHandle | undefined): void {
    this.handle = handle;
    if (handle && this.stopping) handle.abort('shutdown');
  }

  written(): void {
    if (this.token !== undefined) this.budget?.written(this.action, this.token);
  }

  /** Stops what has not reached Tencent: the back-off, or an attempt not yet written. */
  stop(reason: AbortReason): void {
    if (reason === 'shutdown') this.stopping = true;
    this.waiting?.cancel();
    if (this.handle && !this.handle.written) this.handle.abort(reason);
  }

  /** Ends whatever is running, written or not. */
  abort(): void {
    this.handle?.abort('shutdown');
  }

  /** Sleeps `ms`: false when cut short. */
  async pause(clock: Clock, ms: number): Promise<boolean> {
    const wait = sleep(clock, ms);
    this.waiting = wait;
    const slept = await wait.done;
    this.waiting = undefined;
    return slept;
  }

  /** Waits for `work` for at most `ms`: `late` when it took longer or the wait was cut short. */
  async within(clock: Clock, ms: number, work: Promise<void>): Promise<'done' | 'failed' | 'late'> {
    const wait = sleep(clock, ms);
    this.waiting = wait;
    const result = await Promise.race([
      work.then(
        () => 'done' as const,
        () => 'failed' as const,
      ),
      wait.done.then(() => 'late' as const),
    ]);
    wait.cancel();
    this.waiting = undefined;
    return result;
  }
}

function notSent(reason: UpstreamReason, message: string): TencentOutcome<never> {
  return { ok: false, failure: { kind: 'upstream', reason, message, outcomeUnknown: false } };
}

const SHUTTING_DOWN = (action: TencentAction) =>
  notSent(
    'shutdown',
    `The service is shutting down, so Tencent e-sign (${action.service} ${action.name}) was not called`,
  );
const CANCELLED = (action: TencentAction) =>
  notSent('cancelled', `The caller went away before Tencent e-sign (${action.service} ${action.name}) was called`);

function validate(options: CallerChainOptions): void {
  const fail = (message: string) => {
    throw new RangeError(`Caller chain: ${message}`);
  };
  if (!Number.isInteger(options.limit) || options.limit < 0) fail('limit must be a whole number, 0 or more');
  if (!(options.timeoutMs > 0)) fail('timeoutMs must be above 0');
  if (options.limit > 0 && !(options.maxWaitMs >= 0 && options.maxWaitMs < options.timeoutMs)) {
    fail('maxWaitMs must be 0 or more and below timeoutMs, so every attempt keeps time for Tencent to answer');
  }
  if (!Number.isInteger(options.retry.attempts) || options.retry.attempts < 1) fail('retry.attempts must be 1 or more');
  if (options.breaker.failures < 1 || options.breaker.cooldownMs <= 0 || options.breaker.slowCallMs <= 0) {
    fail('breaker.failures, cooldownMs and slowCallMs must be above 0');
  }
}

export function createCallerChain(
  client: AttemptCaller,
  options: CallerChainOptions,
  observer: CallerObserver = {},
): CallerChain {
  validate(options);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const retry: RetryOptions = {
    attempts: options.retry.attempts,
    baseDelayMs: options.retry.baseDelayMs ?? RETRY_BASE_DELAY_MS,
    maxDelayMs: options.retry.maxDelayMs ?? RETRY_MAX_DELAY_MS,
  };
  const windowMs = TENCENT_WINDOW_MS + (options.guardMs ?? DEFAULT_GUARD_MS);
  const { limit } = options;
  const store =
    limit === 0
      ? undefined
      : options.redis
        ? new RedisWindowStore({ ...options.redis, limit, windowMs, pendingMs: options.timeoutMs, clock })
        : new MemoryWindowStore({ limit, windowMs, pendingMs: options.timeoutMs, clock });
  const budget = store
    ? new CallBudget({
        limit,
        windowMs,
        maxWaitMs: options.maxWaitMs,
        store,
        clock,
        onAdmitted: observer.limiterAdmitted?.bind(observer),
        onModeChange: observer.budgetModeChanged?.bind(observer),
      })
    : undefined;
  const breakers = Object.fromEntries(
    SERVICES.map((service) => [
      service,
      new CircuitBreaker({
        ...options.breaker,
        clock,
        onStateChange: (state, previous) => observer.breakerChanged?.(service, state, previous),
      }),
    ]),
  ) as Record<Service, CircuitBreaker>;
  const attempts: AttemptCaller = observer.tencentCall
    ? new InstrumentedCaller(client, observer.tencentCall.bind(observer), clock)
    : client;

  const calls = new Set<Call>();
  let closing = false;
  let drained: (() => void) | undefined;

  const circuitOpen = (action: TencentAction, breaker: CircuitBreaker) =>
    notSent(
      'circuit-open',
      `Tencent e-sign (${action.service}) is failing, so calls are paused for ${Math.ceil(breaker.retryAfterMs / 1000)} s (circuit breaker open)`,
    );

  function refused(action: TencentAction, admission: Exclude<Admission, { ok: true }>): TencentOutcome<never> {
    switch (admission.reason) {
      case 'closed':
        return SHUTTING_DOWN(action);
      case 'cancelled':
        return CANCELLED(action);
      case 'limit':
        return {
          ok: false,
          failure: {
            kind: 'rate-limited',
            message: `More than the allowed calls per second of ${action.name}; nothing was sent to Tencent`,
            retryAfterSeconds: admission.retryAfterSeconds,
          },
        };
      case 'unavailable':
        return {
          ok: false,
          failure: {
            kind: 'rate-limited',
            message: `The shared budget of calls to ${action.name} cannot be kept safely right now (its store is unreachable); nothing was sent to Tencent`,
            retryAfterSeconds: admission.retryAfterSeconds,
          },
        };
    }
  }

  async function run<A extends TencentAction>(
    call: Call,
    action: A,
    request: RequestOf<A>,
    callOptions: CallOptions,
    arrivedAt: number,
  ): Promise<TencentOutcome<ReplyOf<A>>> {
    const deadline = arrivedAt + options.timeoutMs;
    const lastStart = arrivedAt + options.maxWaitMs;
    const { signal } = callOptions;
    const callerId = callOptions.callerId ?? ANONYMOUS;
    const breaker = breakers[action.service];
    let beforeSend = callOptions.beforeSend;
    for (let attempt = 1; ; attempt++) {
      let token: string | undefined;
      let queuedMs = 0;
      if (budget) {
        const admission = await budget.admit(action.name, { callerId, deadline: lastStart, signal });
        if (!admission.ok) return refused(action, admission);
        token = admission.token;
        queuedMs = admission.waitedMs;
      }
      const giveBack = () => {
        if (token !== undefined) budget?.release(action.name, token);
      };
      let ticket: BreakerTicket | undefined;
      const notNow = (): TencentOutcome<never> | undefined => {
        if (call.stopping) return SHUTTING_DOWN(action);
        if (signal?.aborted) return CANCELLED(action);
        return undefined;
      };
      let stopped = notNow();
      if (!stopped) {
        ticket = breaker.acquire();
        if (!ticket) stopped = circuitOpen(action, breaker);
      }
      if (!stopped && beforeSend) {
        // Bounded like everything else in the call: by its deadline, and by shutdown.
        const recorded = await call.within(clock, deadline - clock.now(), Promise.resolve().then(beforeSend));
        beforeSend = undefined;
        stopped =
          notNow() ??
          (recorded === 'done'
            ? undefined
            : notSent(
                recorded === 'late' ? 'timeout' : 'network',
                `The call to ${action.name} could not be recorded before sending, so it was not sent`,
              ));
      }
      if (stopped) {
        if (ticket) breaker.release(ticket);
        giveBack();
        return stopped;
      }
      call.attempt = attempt;
      call.queuedMs = queuedMs;
      call.token = token;
      call.timeoutMs = Math.max(1, deadline - clock.now());
      const outcome = await attempts.call(action, request, call);
      const failure = outcome.ok ? undefined : outcome.failure;
      if (failure?.kind === 'upstream') {
        // Nothing reached the endpoint: its health is not in question.
        if (failure.reason === 'cancelled' || failure.reason === 'shutdown' || failure.reason === 'credentials') {
          breaker.release(ticket!);
        } else breaker.settle(ticket!, false);
        // Nothing reached Tencent: the slot was not used.
        if (!failure.outcomeUnknown) giveBack();
      } else {
        breaker.settle(ticket!, true);
      }
      if (attempt >= retry.attempts || !provablyNotApplied(outcome)) return outcome;
      const delay = backoffMs(attempt, retry, random);
      if (clock.now() + delay >= lastStart) return outcome;
      if (!(await call.pause(clock, delay))) return call.stopping ? SHUTTING_DOWN(action) : CANCELLED(action);
      const gone = notNow();
      if (gone) return gone;
    }
  }

  const caller: TencentCaller = {
    async call<A extends TencentAction>(
      action: A,
      request: RequestOf<A>,
      callOptions: CallOptions = {},
    ): Promise<TencentOutcome<ReplyOf<A>>> {
      if (closing) return SHUTTING_DOWN(action);
      const { signal } = callOptions;
      if (signal?.aborted) return CANCELLED(action);
      const breaker = breakers[action.service];
      if (breaker.state === 'open') return circuitOpen(action, breaker);
      const call = new Call(callOptions, action.name, budget);
      calls.add(call);
      const onAbort = () => call.stop('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await run(call, action, request, callOptions, clock.now());
      } finally {
        signal?.removeEventListener('abort', onAbort);
        calls.delete(call);
        if (calls.size === 0) drained?.();
      }
    },
  };

  let shuttingDown: Promise<void> | undefined;
  async function shutdown(withinMs: number): Promise<void> {
    closing = true;
    const allAnswered = new Promise<void>((resolve) => {
      drained = resolve;
      if (calls.size === 0) resolve();
    });
    const closingBudget = budget?.close();
    for (const call of calls) call.stop('shutdown');
    const timer = clock.setTimeout(() => {
      for (const call of calls) call.abort();
    }, withinMs);
    await allAnswered;
    clock.clearTimeout(timer);
    for (const breaker of Object.values(breakers)) breaker.close();
    await closingBudget;
  }

  return {
    caller,
    breakers,
    budget,
    shutdown(withinMs) {
      shuttingDown ??= shutdown(withinMs);
      return shuttingDown;
    },
  };
}
