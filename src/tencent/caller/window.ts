/**
 * The window stores' common ground: what a try for budget asks and answers,
 * the sliding log of one replica, and the fair-share rule (which the Redis
 * store's script repeats in Lua, see redis-script.ts).
 *
 * The rule: at most `limit` calls of an action start in any `windowMs`, and
 * starts are paced, one per `windowMs / limit` on a schedule (see `Pace`).
 * While callers wait, each is entitled to `share = ceil(limit / callers
 * waiting)` starts per window. A caller below its share is let through
 * whenever a slot is free; one at or above it only when the free slots exceed
 * what the other waiting callers could still claim of their shares (so
 * capacity nobody wants is not left unused). Candidates are offered in
 * round-robin order; a try lets at most one call through.
 */

/** How the budget is being kept, for readiness and metrics. */
export type BudgetMode =
  /** One replica, in memory. */
  | 'local'
  /** Every replica through Redis. */
  | 'shared'
  /** Redis came back after losing its data: through Redis, and within this replica's share until all replicas are back. */
  | 'settling'
  /** Redis is unreachable: waiting a full window before using this replica's share (others' recent starts are unknown). */
  | 'isolating'
  /** Redis is unreachable: this replica's share of the limit, in memory. */
  | 'local-share'
  /** No safe way to admit a call (Redis never reached, or unreachable for longer than its share is reserved). */
  | 'unavailable';

export interface Candidate {
  readonly callerId: string;
  /** Calls of this caller waiting here. */
  readonly waiting: number;
}

export interface TryResult {
  /** The candidate whose call was let through, if one was, with the token that names its start. */
  readonly admitted?: { readonly index: number; readonly token: string } | undefined;
  /** When trying again may let more through; `Infinity`: only after a release or a new call. */
  readonly retryInMs: number;
  /** Milliseconds from the try at which each start in the window leaves it, earliest first (worked out on demand). */
  expiriesMs(): readonly number[];
  /** Starts the window may hold now (the limit, less shares reserved for replicas cut off from Redis). */
  readonly effectiveLimit: number;
  /** Milliseconds until the pace lets the next call start. */
  readonly paceInMs: number;
  /** Distinct callers waiting, on every replica. */
  readonly activeCallers: number;
  /** Calls waiting on other replicas, one count per (replica, caller) there: they compete for the same starts. */
  readonly waitingElsewhere: readonly number[];
  /** Set when nothing can be let through for this long (`Infinity`: not for the foreseeable future). */
  readonly blockedForMs?: number | undefined;
}

/** The answer when nothing can be let through for `ms`: no store could be asked, or it said so. */
export function blockedFor(ms: number): TryResult {
  return {
    retryInMs: ms,
    expiriesMs: () => [],
    effectiveLimit: 0,
    activeCallers: 0,
    waitingElsewhere: [],
    paceInMs: 0,
    blockedForMs: ms,
  };
}

export interface WindowStore {
  readonly mode: BudgetMode;
  /** Lets through one call of `action` for the first candidate the limit, the pace and the shares allow. */
  tryAdmit(action: string, candidates: readonly Candidate[]): Promise<TryResult>;
  /** The call let through with `token` has been written: its start counts from now. */
  written(action: string, token: string): void;
  /** Gives back the slot of a call that was let through but not sent. */
  release(action: string, token: string): void;
  /** The callers no longer wait here (their calls timed out or went away). */
  leave(action: string, callerIds: readonly string[]): void;
  /** Stops timers and (for Redis) deregisters this replica. */
  close(): Promise<void>;
  /** Told when the mode changes. */
  onModeChange?: ((mode: BudgetMode, previous: BudgetMode) => void) | undefined;
}

interface Start {
  /** When it was let through (pending) or written. */
  at: number;
  callerId: string;
  token: string;
}

/**
 * The starts of one action in the last window. A start is when its request
 * is written to the connection (the nearest the layer sees to Tencent's
 * arrival): let through, it is pending and counts in every window; written,
 * it counts from then on for one window. Holding the limit on write times
 * keeps a burst that waited for new connections from bunching up behind the
 * next window's calls on warm ones.
 *
 * Pending starts are kept by token (in the order let through), written ones in
 * the order written, which is time order: pruning looks only at the oldest.
 */
export class SlidingLog {
  private readonly pending = new Map<string, Start>();
  private written: Start[] = [];
  /** Index of the oldest written start still in the window. */
  private head = 0;
  readonly pace: Pace;

  constructor(
    readonly windowMs: number,
    /** A start still pending this long after it was let through will never be written (its call's deadline). */
    readonly pendingMs: number,
  ) {
    this.pace = new Pace(windowMs);
  }

  /** Drops the starts that left the window (written at `now - windowMs` or before) and pending ones past hope. */
  prune(now: number): void {
    const left = now - this.windowMs;
    while (this.head < this.written.length && this.written[this.head]!.at <= left) this.head++;
    if (this.head > 64 && this.head * 2 > this.written.length) {
      this.written = this.written.slice(this.head);
      this.head = 0;
    }
    const abandoned = now - this.pendingMs;
    for (const [token, start] of this.pending) {
      if (start.at > abandoned) break;
      this.pending.delete(token);
    }
  }

  get size(): number {
    return this.pending.size + this.written.length - this.head;
  }

  record(at: number, callerId: string, token: string): void {
    this.pending.set(token, { at, callerId, token });
  }

  /** The call let through with `token` was written at `now` (calls come in time order). */
  markWritten(token: string, now: number): void {
    const start = this.pending.get(token);
    if (!start) return;
    this.pending.delete(token);
    start.at = now;
    this.written.push(start);
  }

  remove(token: string): boolean {
    if (this.pending.delete(token)) return true;
    const index = this.written.findIndex((start, i) => i >= this.head && start.token === token);
    if (index >= 0) this.written.splice(index, 1);
    return index >= 0;
  }

  private *all(): Generator<Start> {
    for (let i = this.head; i < this.written.length; i++) yield this.written[i]!;
    yield* this.pending.values();
  }

  /** Starts per caller in the window. */
  perCaller(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { callerId } of this.all()) counts.set(callerId, (counts.get(callerId) ?? 0) + 1);
    return counts;
  }

  /** Each start with how long ago it happened (pending ones as `-pendingMs`: in the future), to replay elsewhere. */
  replay(now: number): { ageMs: number; token: string }[] {
    const starts: { ageMs: number; token: string }[] = [];
    for (let i = this.head; i < this.written.length; i++) {
      const { at, token } = this.written[i]!;
      starts.push({ ageMs: now - at, token });
    }
    for (const { token } of this.pending.values()) starts.push({ ageMs: -this.pendingMs, token });
    return starts;
  }

  /** When each start leaves the window, earliest first; a pending one at the soonest it could (written now). */
  expiriesMs(now: number): number[] {
    const expiries: number[] = [];
    for (let i = this.head; i < this.written.length; i++) expiries.push(this.written[i]!.at + this.windowMs - now);
    for (let i = 0; i < this.pending.size; i++) expiries.push(this.windowMs);
    return expiries;
  }
}

/** When trying again may let a call through, given the window's expiries and the pace. */
export function retryDelayMs(
  expiriesMs: readonly number[],
  effectiveLimit: number,
  paceInMs: number,
  windowMs: number,
): number {
  const over = expiriesMs.length - effectiveLimit;
  if (over >= 0) return Math.max(paceInMs, expiriesMs[over] ?? Number.POSITIVE_INFINITY);
  if (paceInMs > 0) return paceInMs;
  // A slot is free and the pace allows, yet fairness holds it for a caller waiting elsewhere: look again in one slot.
  return Math.min(expiriesMs[0] ?? windowMs, Math.ceil(windowMs / Math.max(1, effectiveLimit)));
}

/**
 * How early a start may come: half an interval, and at least what a timer's
 * lateness can be, so that at high limits (intervals of a millisecond) late
 * tries do not cost throughput.
 */
export function paceTolerance(intervalMs: number): number {
  return Math.max(intervalMs / 2, 4);
}

/**
 * Starts paced on a schedule, one per `windowMs / limit` (a virtual
 * scheduling time, as in GCRA, with `paceTolerance` of slack): a
 * window's worth of requests written at one instant reaches Tencent one after
 * the other, so the last of them could arrive within a second of the next
 * window's first; spread out, their delays vary only by the network's jitter,
 * which the guard covers. A try that comes late does not push the schedule
 * back, so the pace costs no throughput. (Measured with `bench/at-limit.ts`.)
 */
export class Pace {
  /** When the next start is due. */
  private due = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs: number) {}

  private interval(limit: number): number {
    return limit > 0 ? this.windowMs / limit : Number.POSITIVE_INFINITY;
  }

  /** Milliseconds until a start is allowed. */
  waitMs(now: number, limit: number): number {
    return Math.max(0, this.due - paceTolerance(this.interval(limit)) - now);
  }

  take(now: number, limit: number): void {
    this.due = Math.max(this.due, now) + this.interval(limit);
  }

  /** A start taken was not used. */
  giveBack(now: number, limit: number): void {
    if (this.due > now) this.due = Math.max(now, this.due - this.interval(limit));
  }
}

/**
 * The fair-share rule over one replica's log, in memory: lets through the
 * first candidate, in order, that the limit, the pace and its share allow,
 * recording its start in `log`.
 */
export function admitFairly(
  log: SlidingLog,
  candidates: readonly Candidate[],
  effectiveLimit: number,
  now: number,
  token: (callerId: string) => string,
): { index: number; token: string } | undefined {
  const free = effectiveLimit - log.size;
  if (free <= 0 || candidates.length === 0 || log.pace.waitMs(now, effectiveLimit) > 0) return undefined;
  // Alone, a caller's share is the whole limit, and there is room.
  if (candidates.length === 1) return record(log, candidates, 0, effectiveLimit, now, token);
  const mine = log.perCaller();
  const share = Math.ceil(effectiveLimit / candidates.length);
  /** What the callers other than `index` could still claim of their shares. */
  const claimable = (index: number) =>
    candidates.reduce(
      (sum, { callerId, waiting }, i) =>
        i === index ? sum : sum + Math.min(waiting, Math.max(0, share - (mine.get(callerId) ?? 0))),
      0,
    );
  const index = candidates.findIndex(
    ({ callerId }, i) => (mine.get(callerId) ?? 0) < share || free - claimable(i) >= 1,
  );
  return index < 0 ? undefined : record(log, candidates, index, effectiveLimit, now, token);
}

function record(
  log: SlidingLog,
  candidates: readonly Candidate[],
  index: number,
  effectiveLimit: number,
  now: number,
  token: (callerId: string) => string,
): { index: number; token: string } {
  const { callerId } = candidates[index]!;
  const given = token(callerId);
  log.record(now, callerId, given);
  log.pace.take(now, effectiveLimit);
  return { index, token: given };
}
