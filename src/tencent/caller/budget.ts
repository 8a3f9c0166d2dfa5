/**
 * The per-action call budget: calls wait here, in one FIFO queue per caller
 * served round-robin, until the window store lets them start. Each waiter has
 * its own timer at its deadline and leaves at once when its caller goes away;
 * one that cannot start before its deadline is refused at once. A refusal's
 * `retryAfterSeconds` comes from the window's next free slots and the caller's
 * fair position among those waiting.
 */
import type { Clock, TimerHandle } from './clock.js';
import {
  type BudgetMode,
  blockedFor,
  type Candidate,
  paceTolerance,
  type TryResult,
  type WindowStore,
} from './window.js';

export interface BudgetOptions {
  /** Starts per window per action. */
  limit: number;
  windowMs: number;
  /** Longest a call may wait here; with `limit` and `windowMs` it sets how many calls one caller may queue. */
  maxWaitMs: number;
  store: WindowStore;
  clock: Clock;
  /** Told of each call let through and how long it waited. */
  onAdmitted?: ((action: string, waitedMs: number) => void) | undefined;
  onModeChange?: ((mode: BudgetMode, previous: BudgetMode) => void) | undefined;
}

export interface AdmitRequest {
  callerId: string;
  /** Clock time by which the call must have started or be refused. */
  deadline: number;
  signal?: AbortSignal | undefined;
}

export type Admission =
  | { ok: true; token: string; waitedMs: number }
  /** `limit`: no slot in time; `unavailable`: the budget cannot be kept safely now (see `BudgetMode`). */
  | { ok: false; reason: 'limit' | 'unavailable'; retryAfterSeconds: number }
  | { ok: false; reason: 'cancelled' | 'closed' };

interface Waiter {
  readonly callerId: string;
  readonly deadline: number;
  readonly enqueuedAt: number;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (admission: Admission) => void;
  /** Set once a try did not let it through: its deadline timer and abort listener are in place. */
  armed: boolean;
  timer: TimerHandle | undefined;
  onAbort: (() => void) | undefined;
}

/** What the last try learnt of the window, on this replica's clock. */
interface WindowView {
  /** When the try was made; `expiriesMs()` counts from then. */
  at: number;
  expiriesMs: () => readonly number[];
  /** The same as clock times, worked out once for all the estimates after one try. */
  expiries?: number[] | undefined;
  effectiveLimit: number;
  /** Calls waiting on other replicas, per (replica, caller) there. */
  waitingElsewhere: readonly number[];
  /** When the pace lets the next call start. */
  nextStartAt: number;
}

class ActionQueue {
  /** Waiters per caller; the map's order is the round-robin order (a caller served moves to the end). */
  readonly callers = new Map<string, Waiter[]>();
  size = 0;
  trying = false;
  retryTimer: TimerHandle | undefined;
  view: WindowView;

  constructor(
    readonly action: string,
    limit: number,
  ) {
    this.view = {
      at: 0,
      expiriesMs: () => [],
      effectiveLimit: limit,
      waitingElsewhere: [],
      nextStartAt: Number.NEGATIVE_INFINITY,
    };
  }
}

/** Most callers offered in one try: bounds the store's work and the script's arguments. */
const MAX_CANDIDATES = 64;

/** Tenths of a second, rounded up, at least one tenth. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 100)) / 10;
}

export class CallBudget {
  private readonly queues = new Map<string, ActionQueue>();
  private closed = false;
  private readonly clock: Clock;
  /** Most calls one caller may have waiting per action: more could not all start within `maxWaitMs`. */
  readonly perCallerCap: number;

  constructor(private readonly options: BudgetOptions) {
    this.clock = options.clock;
    this.perCallerCap = options.limit * (Math.floor(options.maxWaitMs / options.windowMs) + 1);
    options.store.onModeChange = (mode, previous) => {
      options.onModeChange?.(mode, previous);
      // A mode that admits again lets the waiting calls try at once.
      for (const queue of this.queues.values()) void this.pump(queue);
    };
  }

  get mode(): BudgetMode {
    return this.options.store.mode;
  }

  /** Calls waiting for `action`. */
  queueDepth(action: string): number {
    return this.queues.get(action)?.size ?? 0;
  }

  /** The actions calls have waited for, for metrics. */
  actions(): IterableIterator<string> {
    return this.queues.keys();
  }

  admit(action: string, request: AdmitRequest): Promise<Admission> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'closed' });
    if (request.signal?.aborted) return Promise.resolve({ ok: false, reason: 'cancelled' });
    const queue = this.queueFor(action);
    const waiting = queue.callers.get(request.callerId);
    if (waiting && waiting.length >= this.perCallerCap) {
      return Promise.resolve({
        ok: false,
        reason: 'limit',
        retryAfterSeconds: seconds(this.estimateMs(queue, request.callerId, waiting.length)),
      });
    }
    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = {
        callerId: request.callerId,
        deadline: request.deadline,
        enqueuedAt: this.clock.now(),
        signal: request.signal,
        resolve,
        armed: false,
        timer: undefined,
        onAbort: undefined,
      };
      if (waiting) waiting.push(waiter);
      else queue.callers.set(request.callerId, [waiter]);
      queue.size += 1;
      void this.pump(queue);
    });
  }

  /** An admitted call has been written: its start counts from now, and the slot it held frees a window later. */
  written(action: string, token: string): void {
    this.options.store.written(action, token);
    const queue = this.queues.get(action);
    if (queue && queue.size > 0) void this.pump(queue);
  }

  /** Gives back the slot of an admitted call that was not sent. */
  release(action: string, token: string): void {
    this.options.store.release(action, token);
    const queue = this.queues.get(action);
    if (queue) void this.pump(queue);
  }

  /** Refuses every waiting call as not sent ('closed') and every call from now on, then closes the store. */
  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.queues.values()) {
      this.clock.clearTimeout(queue.retryTimer);
      for (const waiters of queue.callers.values()) {
        for (const waiter of waiters) this.settle(waiter, { ok: false, reason: 'closed' });
      }
      queue.callers.clear();
      queue.size = 0;
    }
    await this.options.store.close();
  }

  private queueFor(action: string): ActionQueue {
    let queue = this.queues.get(action);
    if (!queue) {
      queue = new ActionQueue(action, this.options.limit);
      this.queues.set(action, queue);
    }
    return queue;
  }

  /** One try at a time per action: offers the waiting callers, round-robin, to the store. */
  private async pump(queue: ActionQueue): Promise<void> {
    if (queue.trying || queue.size === 0 || this.closed) return;
    queue.trying = true;
    this.clock.clearTimeout(queue.retryTimer);
    queue.retryTimer = undefined;
    const candidates: Candidate[] = [];
    for (const [callerId, waiters] of queue.callers) {
      if (candidates.length === MAX_CANDIDATES) break;
      candidates.push({ callerId, waiting: waiters.length });
    }
    const result = await this.options.store
      .tryAdmit(queue.action, candidates)
      // Stores answer failures as values; should one throw, its calls wait a window rather than hang or crash.
      .catch((): TryResult => blockedFor(this.options.windowMs));
    queue.trying = false;
    const { admitted } = result;
    if (this.closed) {
      if (admitted) this.options.store.release(queue.action, admitted.token);
      return;
    }
    const now = this.clock.now();
    if (admitted) this.admitted(queue, candidates[admitted.index]!.callerId, admitted.token, now);
    queue.view = {
      at: now,
      expiriesMs: result.expiriesMs,
      effectiveLimit: result.effectiveLimit,
      waitingElsewhere: result.waitingElsewhere,
      nextStartAt: now + result.paceInMs,
    };
    this.judgeWaiters(queue, result, now);
    if (queue.size === 0 || !Number.isFinite(result.retryInMs)) return;
    // A limit high enough that the pace allows the next start at once: no timer's minimum between them.
    if (admitted && result.retryInMs <= 0) queueMicrotask(() => void this.pump(queue));
    else queue.retryTimer = this.clock.setTimeout(() => void this.pump(queue), Math.max(1, result.retryInMs));
  }

  private admitted(queue: ActionQueue, callerId: string, token: string, now: number): void {
    const waiters = queue.callers.get(callerId);
    const waiter = waiters?.shift();
    if (!waiters || !waiter) {
      // Its calls left while the store was answering.
      this.options.store.release(queue.action, token);
      return;
    }
    queue.size -= 1;
    // Round-robin: the caller just served goes to the back.
    queue.callers.delete(callerId);
    if (waiters.length > 0) queue.callers.set(callerId, waiters);
    const waitedMs = now - waiter.enqueuedAt;
    this.options.onAdmitted?.(queue.action, waitedMs);
    this.settle(waiter, { ok: true, token, waitedMs });
  }

  /** After a try: refuses at once the calls that cannot start in time, and arms the others' deadlines. */
  private judgeWaiters(queue: ActionQueue, result: TryResult, now: number): void {
    const blockedUntil = result.blockedForMs === undefined ? undefined : now + result.blockedForMs;
    for (const [callerId, waiters] of [...queue.callers]) {
      for (let position = 0; position < waiters.length; position++) {
        const waiter = waiters[position]!;
        if (blockedUntil !== undefined && blockedUntil > waiter.deadline) {
          const retryMs = Number.isFinite(result.blockedForMs) ? result.blockedForMs! : result.retryInMs;
          this.refuse(queue, waiter, { ok: false, reason: 'unavailable', retryAfterSeconds: seconds(retryMs) });
          position -= 1;
        } else if (!waiter.armed) {
          const estimateMs = this.estimateMs(queue, callerId, position);
          if (now + estimateMs > waiter.deadline) {
            this.refuse(queue, waiter, { ok: false, reason: 'limit', retryAfterSeconds: seconds(estimateMs) });
            position -= 1;
          } else {
            this.arm(queue, waiter);
          }
        }
      }
    }
  }

  private arm(queue: ActionQueue, waiter: Waiter): void {
    waiter.armed = true;
    const expire = () => {
      const waiters = queue.callers.get(waiter.callerId) ?? [];
      const position = Math.max(0, waiters.indexOf(waiter));
      const retryAfterSeconds = seconds(this.estimateMs(queue, waiter.callerId, position));
      this.refuse(queue, waiter, { ok: false, reason: 'limit', retryAfterSeconds });
    };
    waiter.timer = this.clock.setTimeout(expire, Math.max(0, waiter.deadline - this.clock.now()));
    if (waiter.signal) {
      if (waiter.signal.aborted) {
        this.refuse(queue, waiter, { ok: false, reason: 'cancelled' });
        return;
      }
      waiter.onAbort = () => this.refuse(queue, waiter, { ok: false, reason: 'cancelled' });
      waiter.signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
  }

  /** Takes a waiter out of its queue and answers it. */
  private refuse(queue: ActionQueue, waiter: Waiter, admission: Admission): void {
    const waiters = queue.callers.get(waiter.callerId);
    const index = waiters?.indexOf(waiter) ?? -1;
    if (!waiters || index < 0) return;
    waiters.splice(index, 1);
    queue.size -= 1;
    if (waiters.length === 0) {
      queue.callers.delete(waiter.callerId);
      this.options.store.leave(queue.action, [waiter.callerId]);
    }
    this.settle(waiter, admission);
  }

  private settle(waiter: Waiter, admission: Admission): void {
    this.clock.clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(admission);
  }

  /**
   * How long until the call at `position` in `callerId`'s queue may start: its fair place among the callers
   * waiting (round-robin here, one per round for each caller waiting elsewhere), played out on the window's
   * starts with every slot taken again as soon as it frees and the pace allows.
   */
  private estimateMs(queue: ActionQueue, callerId: string, position: number): number {
    const { windowMs } = this.options;
    const { view } = queue;
    const { effectiveLimit } = view;
    if (effectiveLimit <= 0) return windowMs;
    // Served in turns: each other queue, here or on another replica, goes once per turn before this call's.
    let ahead = position;
    for (const [other, waiters] of queue.callers) {
      if (other !== callerId) ahead += Math.min(waiters.length, position + 1);
    }
    for (const waiting of view.waitingElsewhere) ahead += Math.min(waiting, position + 1);
    const now = this.clock.now();
    const spacing = windowMs / effectiveLimit;
    // The pace lets starts come a little early; reckon with them on time.
    let start = Math.max(now, view.nextStartAt + paceTolerance(spacing)) - spacing;
    view.expiries ??= view.expiriesMs().map((ms) => view.at + ms);
    const window = view.expiries;
    let oldest = firstAfter(window, now);
    // Room in the window for every call ahead: the pace alone decides.
    if (effectiveLimit - (window.length - oldest) > ahead) return start + (ahead + 1) * spacing - now;
    /** When the calls ahead, started in turn, leave the window. */
    const ours: number[] = [];
    let oldestOurs = 0;
    for (let call = 0; call <= ahead; call++) {
      start += spacing;
      while (oldest < window.length && window[oldest]! <= start) oldest++;
      while (oldestOurs < ours.length && ours[oldestOurs]! <= start) oldestOurs++;
      // Full: wait for the starts that must leave first, earliest of either list first.
      for (let over = window.length - oldest + ours.length - oldestOurs - effectiveLimit; over >= 0; over--) {
        const fromWindow =
          oldest < window.length && (oldestOurs >= ours.length || window[oldest]! <= ours[oldestOurs]!);
        start = fromWindow ? window[oldest++]! : ours[oldestOurs++]!;
      }
      ours.push(start + windowMs);
    }
    return start - now;
  }
}

/** The index of the first of `sorted` later than `time`. */
function firstAfter(sorted: readonly number[], time: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}
