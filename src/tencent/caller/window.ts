/**
 * The window stores' common ground: what a try for budget asks and answers,
 * the sliding log of one replica, and the fair-share rule (which the Redis
 * store's script repeats in Lua, see redis-script.ts).
 *
 * The rule: at most `limit` calls of an action start in any `windowMs`. While
 * callers wait, each is entitled to `share = ceil(limit / callers waiting)`
 * starts per window. A caller below its share is let through whenever a slot
 * is free; one at or above it only when the free slots exceed what the other
 * waiting callers could still claim of their shares (so capacity nobody wants
 * is not left unused). Candidates are offered slots round-robin.
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
  /** Index into the candidates of each call let through, in order, with the token that gives its slot back. */
  readonly admitted: readonly { readonly index: number; readonly token: string }[];
  /** When trying again may let more through; `Infinity`: only after a release or a new call. */
  readonly retryInMs: number;
  /** Milliseconds from now at which each start in the window leaves it, earliest first. */
  readonly expiriesMs: readonly number[];
  /** Starts the window may hold now (the limit, less shares reserved for replicas cut off from Redis). */
  readonly effectiveLimit: number;
  /** Distinct callers waiting, on every replica. */
  readonly activeCallers: number;
  /** Set when nothing can be let through for this long (`Infinity`: not for the foreseeable future). */
  readonly blockedForMs?: number | undefined;
}

export interface WindowStore {
  readonly mode: BudgetMode;
  /** Lets through up to `maxAdmit` calls of `action` for the candidates, round-robin, within the limit and shares. */
  tryAdmit(action: string, candidates: readonly Candidate[], maxAdmit: number): Promise<TryResult>;
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
  /** Let through but not yet written: it counts in every window until it is written or given back. */
  pending: boolean;
}

/**
 * The starts of one action in the last window. A start is when its request
 * is written to the connection (the nearest the layer sees to Tencent's
 * arrival): let through, it is pending and counts in every window; written,
 * it counts from then on for one window. Holding the limit on write times
 * keeps a burst that waited for new connections from bunching up behind the
 * next window's calls on warm ones.
 */
export class SlidingLog {
  private starts: Start[] = [];

  constructor(
    readonly windowMs: number,
    /** A start still pending this long after it was let through will never be written (its call's deadline). */
    readonly pendingMs: number,
  ) {}

  /** Drops the starts that left the window (written at `now - windowMs` or before) and pending ones past hope. */
  prune(now: number): void {
    const written = now - this.windowMs;
    const abandoned = now - this.pendingMs;
    if (this.starts.some((start) => start.at <= (start.pending ? abandoned : written))) {
      this.starts = this.starts.filter((start) => start.at > (start.pending ? abandoned : written));
    }
  }

  get size(): number {
    return this.starts.length;
  }

  record(at: number, callerId: string, token: string): void {
    this.starts.push({ at, callerId, token, pending: true });
  }

  /** The call let through with `token` was written at `now`. */
  written(token: string, now: number): void {
    const start = this.starts.find((entry) => entry.token === token);
    if (start) {
      start.at = now;
      start.pending = false;
    }
  }

  remove(token: string): boolean {
    const index = this.starts.findIndex((start) => start.token === token);
    if (index >= 0) this.starts.splice(index, 1);
    return index >= 0;
  }

  /** Starts per caller in the window. */
  perCaller(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { callerId } of this.starts) counts.set(callerId, (counts.get(callerId) ?? 0) + 1);
    return counts;
  }

  /** Each start with how long ago it happened (pending ones as `-pendingMs`: in the future), to replay elsewhere. */
  replay(now: number): { ageMs: number; token: string }[] {
    return this.starts.map((start) => ({
      ageMs: start.pending ? -this.pendingMs : now - start.at,
      token: start.token,
    }));
  }

  /** When each start leaves the window, earliest first; a pending one at the soonest it could (written now). */
  expiriesMs(now: number): number[] {
    return this.starts
      .map((start) => (start.pending ? this.windowMs : start.at + this.windowMs - now))
      .sort((a, b) => a - b);
  }
}

/** When trying again may let a call through, given the window's expiries. */
export function retryDelayMs(
  expiriesMs: readonly number[],
  effectiveLimit: number,
  limit: number,
  windowMs: number,
): number {
  const over = expiriesMs.length - effectiveLimit;
  if (over >= 0) return expiriesMs[over] ?? Number.POSITIVE_INFINITY;
  // A slot is free but fairness holds it for a caller waiting elsewhere: look again after about one slot's time.
  return Math.min(expiriesMs[0] ?? windowMs, Math.ceil(windowMs / Math.max(1, limit)));
}

/**
 * The fair-share rule over one replica's log, in memory: lets through up to
 * `maxAdmit` of the candidates' calls, recording each start in `log`.
 */
export function admitFairly(
  log: SlidingLog,
  candidates: readonly Candidate[],
  effectiveLimit: number,
  maxAdmit: number,
  now: number,
  token: (callerId: string) => string,
): { index: number; token: string }[] {
  const admitted: { index: number; token: string }[] = [];
  let free = effectiveLimit - log.size;
  if (free <= 0 || candidates.length === 0) return admitted;
  const mine = log.perCaller();
  const left = candidates.map((candidate) => candidate.waiting);
  const share = Math.ceil(effectiveLimit / candidates.length);
  /** What the callers other than `index` could still claim of their shares. */
  const claimable = (index: number) =>
    candidates.reduce(
      (sum, { callerId }, i) =>
        i === index ? sum : sum + Math.min(left[i]!, Math.max(0, share - (mine.get(callerId) ?? 0))),
      0,
    );
  for (let progress = true; progress && free > 0 && admitted.length < maxAdmit; ) {
    progress = false;
    for (let i = 0; i < candidates.length && free > 0 && admitted.length < maxAdmit; i++) {
      if (left[i]! <= 0) continue;
      const { callerId } = candidates[i]!;
      const starts = mine.get(callerId) ?? 0;
      if (starts >= share && free - claimable(i) < 1) continue;
      const given = token(callerId);
      log.record(now, callerId, given);
      mine.set(callerId, starts + 1);
      left[i] = left[i]! - 1;
      free -= 1;
      admitted.push({ index: i, token: given });
      progress = true;
    }
  }
  return admitted;
}
