/** When a failed attempt may be repeated, and how long to wait first. */
import type { TencentOutcome } from './types.js';
import { isRequestLimitExceeded } from './types.js';

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Only where the call provably had no effect: Tencent refused it for its limit, or nothing was written. */
export function provablyNotApplied(outcome: TencentOutcome<unknown>): boolean {
  if (outcome.ok) return false;
  const { failure } = outcome;
  if (failure.kind === 'tencent') return isRequestLimitExceeded(failure.code);
  return failure.kind === 'upstream' && failure.reason === 'network' && !failure.outcomeUnknown;
}

/** Exponential back-off with full jitter, so a crowd of retries spreads out. */
export function backoffMs(attempt: number, options: RetryOptions, random: () => number): number {
  return random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}
