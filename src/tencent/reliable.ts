/**
 * Wraps a Tencent caller with the policies that keep calls safe under load
 * and failure: a circuit breaker per service, the per-action call budget,
 * and retries only where a call provably had no effect.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplyOf, RequestOf, TencentAction } from './action.js';
import { type BreakerOptions, type BreakerState, CircuitBreaker } from './breaker.js';
import type { CallBudget } from './budget.js';
import { type CallTrace, isRequestLimitExceeded, type TencentCaller, type TencentOutcome } from './client.js';
import { SERVICES, type Service } from './endpoints.js';

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ReliabilityOptions {
  /** Absent when the layer's limiter is off. */
  budget: CallBudget | undefined;
  retry: RetryOptions;
  breaker: Omit<BreakerOptions, 'onStateChange'>;
  onBreakerStateChange?: (service: Service, state: BreakerState) => void;
}

/** Whether repeating the call is safe: Tencent said so, or the request never left. */
function provablyNotApplied(outcome: TencentOutcome<unknown>): boolean {
  if (outcome.ok) return false;
  const { failure } = outcome;
  if (failure.kind === 'tencent') return isRequestLimitExceeded(failure.code);
  return failure.kind === 'upstream' && !failure.outcomeUnknown;
}

/** Exponential back-off with full jitter, so a crowd of retries spreads out. */
function backoffMs(attempt: number, options: RetryOptions): number {
  return Math.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}

export class ReliableCaller implements TencentCaller {
  readonly breakers: Readonly<Record<Service, CircuitBreaker>>;

  constructor(
    private readonly inner: TencentCaller,
    private readonly options: ReliabilityOptions,
  ) {
    this.breakers = Object.fromEntries(
      SERVICES.map((service) => [
        service,
        new CircuitBreaker({
          ...options.breaker,
          onStateChange: (state) => options.onBreakerStateChange?.(service, state),
        }),
      ]),
    ) as Record<Service, CircuitBreaker>;
  }

  /** The call budget, when the layer's limiter is on. */
  get budget(): CallBudget | undefined {
    return this.options.budget;
  }

  async call<A extends TencentAction>(
    action: A,
    request: RequestOf<A>,
    trace?: CallTrace,
  ): Promise<TencentOutcome<ReplyOf<A>>> {
    const breaker = this.breakers[action.service];
    if (!breaker.allow()) {
      const message = `Tencent e-sign (${action.service}) is failing, so calls are paused for ${breaker.retryAfterSeconds} s (circuit breaker open)`;
      return { ok: false, failure: { kind: 'upstream', reason: 'circuit-open', message, outcomeUnknown: false } };
    }
    for (let attempt = 1; ; attempt++) {
      const admission = await this.options.budget?.admit(action.name);
      if (admission && !admission.ok) {
        breaker.release();
        const message = `More than the allowed calls per second of ${action.name}; nothing was sent to Tencent`;
        return {
          ok: false,
          failure: { kind: 'rate-limited', message, retryAfterSeconds: admission.retryAfterSeconds },
        };
      }
      const outcome = await this.inner.call(action, request, trace);
      if (attempt >= this.options.retry.attempts || !provablyNotApplied(outcome)) {
        breaker.record(outcome.ok || outcome.failure.kind === 'tencent');
        return outcome;
      }
      await sleep(backoffMs(attempt, this.options.retry));
    }
  }
}
