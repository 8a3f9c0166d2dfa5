/**
 * A circuit breaker for one endpoint: after `failureThreshold` upstream
 * failures in a row it opens and refuses calls at once for `cooldownMs`,
 * then lets one probe through; the probe's outcome closes or re-opens it.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
  onStateChange?: (state: BreakerState) => void;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Seconds until a probe may go through, while open. */
  get retryAfterSeconds(): number {
    return Math.max(0, Math.ceil((this.openedAt + this.options.cooldownMs - this.now()) / 1000));
  }

  /** Whether a call may go out now; a half-open breaker lets exactly one through. */
  allow(): boolean {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) this.transition('half-open');
    if (this.current === 'closed') return true;
    if (this.current === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  /** Records the outcome of an allowed call: `true` when the endpoint answered (even with a Tencent error). */
  record(answered: boolean): void {
    this.probing = false;
    if (answered) {
      this.failures = 0;
      if (this.current !== 'closed') this.transition('closed');
      return;
    }
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  /** Gives back an allowed call that was not made (e.g. refused by the rate limit). */
  release(): void {
    this.probing = false;
  }

  private transition(state: BreakerState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
