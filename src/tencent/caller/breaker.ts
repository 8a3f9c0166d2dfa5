/**
 * A circuit breaker for one Tencent service. It trips on what is happening,
 * not only on what finished: a call still in flight `slowCallMs` after it
 * started counts as a failure at that moment. `failures` in a row open it;
 * it then refuses calls for exactly `cooldownMs`, lets one probe through, and
 * the probe closes or re-opens it. Calls let through before it opened belong
 * to an earlier generation: their outcomes never move its state or its clock.
 */
import type { Clock, TimerHandle } from './clock.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Failures in a row (finished or slow) that open it. */
  failures: number;
  cooldownMs: number;
  /** A call still unanswered this long after it started counts as a failure then. */
  slowCallMs: number;
  clock: Clock;
  onStateChange?: (state: BreakerState, previous: BreakerState) => void;
}

/** One call let through; given back with its outcome, or released when it was not made. */
export interface BreakerTicket {
  readonly generation: number;
  readonly startedAt: number;
}

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  /** Bumped on every opening and closing: tickets of an older generation no longer count. */
  private generation = 0;
  private failuresInRow = 0;
  private openedAt = 0;
  private probing = false;
  /** Calls of this generation in flight, oldest first (a Set keeps insertion order). */
  private readonly inFlight = new Set<BreakerTicket>();
  private slowTimer: TimerHandle | undefined;
  private cooldownTimer: TimerHandle | undefined;
  private readonly clock: Clock;

  constructor(private readonly options: BreakerOptions) {
    this.clock = options.clock;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Milliseconds until a probe may go through (0 unless open). */
  get retryAfterMs(): number {
    return this.current === 'open' ? Math.max(0, this.openedAt + this.options.cooldownMs - this.clock.now()) : 0;
  }

  /** A ticket for a call that may go out now, or `undefined`: open, or half-open with its probe out. */
  acquire(): BreakerTicket | undefined {
    if (this.current === 'open') return undefined;
    if (this.current === 'half-open') {
      if (this.probing) return undefined;
      this.probing = true;
    }
    const ticket: BreakerTicket = { generation: this.generation, startedAt: this.clock.now() };
    this.inFlight.add(ticket);
    if (this.slowTimer === undefined) this.armSlowTimer();
    return ticket;
  }

  /** The outcome of a call made with `ticket`: `healthy` when the service answered (a Tencent error included). */
  settle(ticket: BreakerTicket, healthy: boolean): void {
    // A ticket no longer in flight was counted when it turned slow, or belongs to an older generation.
    if (!this.inFlight.delete(ticket) || ticket.generation !== this.generation) return;
    if (healthy) this.succeeded();
    else this.failed();
  }

  /** Gives back a ticket whose call was not made, or whose outcome says nothing about the service. */
  release(ticket: BreakerTicket): void {
    if (this.inFlight.delete(ticket) && ticket.generation === this.generation && this.current === 'half-open') {
      this.probing = false;
    }
  }

  /** Stops its timers (shutdown). */
  close(): void {
    this.clock.clearTimeout(this.slowTimer);
    this.clock.clearTimeout(this.cooldownTimer);
    this.slowTimer = undefined;
    this.cooldownTimer = undefined;
    this.inFlight.clear();
  }

  private succeeded(): void {
    this.failuresInRow = 0;
    if (this.current === 'half-open') this.enter('closed');
  }

  private failed(): void {
    this.failuresInRow += 1;
    if (this.current === 'half-open' || this.failuresInRow >= this.options.failures) this.open();
  }

  private open(): void {
    this.openedAt = this.clock.now();
    this.enter('open');
    this.cooldownTimer = this.clock.setTimeout(() => {
      this.cooldownTimer = undefined;
      this.enter('half-open');
    }, this.options.cooldownMs);
  }

  private enter(state: BreakerState): void {
    const previous = this.current;
    this.current = state;
    this.generation += 1;
    this.failuresInRow = 0;
    this.probing = false;
    // Calls in flight now belong to an older generation: nothing they do counts any more.
    this.inFlight.clear();
    this.clock.clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
    this.options.onStateChange?.(state, previous);
  }

  /** One timer for the oldest call in flight, not one per call. */
  private armSlowTimer(): void {
    const oldest = this.inFlight.values().next().value;
    if (!oldest) return;
    const due = oldest.startedAt + this.options.slowCallMs - this.clock.now();
    this.slowTimer = this.clock.setTimeout(() => this.markSlow(), Math.max(0, due));
  }

  private markSlow(): void {
    this.slowTimer = undefined;
    const now = this.clock.now();
    const generation = this.generation;
    for (const ticket of this.inFlight) {
      if (ticket.startedAt + this.options.slowCallMs > now) break;
      this.inFlight.delete(ticket);
      this.failed();
      if (this.generation !== generation) return;
    }
    this.armSlowTimer();
  }
}
