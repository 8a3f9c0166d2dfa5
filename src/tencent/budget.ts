/**
 * The per-action call budget: at most `perSecond` calls of an action start
 * in any whole second of the clock. Counting is rate-limiter-flexible's,
 * in memory or in Redis (shared by every replica); this module adds the
 * bounded FIFO queue in front of it, so a burst waits instead of failing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';

export interface BudgetOptions {
  perSecond: number;
  /** Longest a call may wait for budget before it is refused. */
  maxWaitMs: number;
  /** Most calls of one action waiting at once. */
  maxQueue: number;
  now?: () => number;
  /** Told of each call let through and how long it waited, for metrics. */
  onAdmitted?: (action: string, waitedMs: number) => void;
}

export type Admission = { ok: true; waitedMs: number } | { ok: false; retryAfterSeconds: number };

interface Waiter {
  deadline: number;
  enqueuedAt: number;
  resolve: (admission: Admission) => void;
}

/**
 * Calls are not started in the last moments of a second: one started at
 * 0.95 s could reach Tencent in the next second and be counted there.
 */
const END_OF_SECOND_GUARD_MS = 150;

export class CallBudget {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly now: () => number;

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly options: BudgetOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Calls waiting per action, for metrics and readiness. */
  queueDepth(action: string): number {
    return this.queues.get(action)?.length ?? 0;
  }

  /** Waits for budget for one call of `action`, or refuses with an honest retry-after. */
  async admit(action: string): Promise<Admission> {
    const queue = this.queues.get(action) ?? [];
    this.queues.set(action, queue);
    const start = this.now();
    if (queue.length === 0 && (await this.tryConsume(action))) {
      this.options.onAdmitted?.(action, 0);
      return { ok: true, waitedMs: 0 };
    }

    // Calls ahead of this one drain at `perSecond`; refuse now what could not start before its deadline.
    const drainMs = ((queue.length + 1) / this.options.perSecond) * 1000;
    if (queue.length >= this.options.maxQueue || drainMs > this.options.maxWaitMs) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(drainMs / 1000)) };
    }
    const admitted = new Promise<Admission>((resolve) =>
      queue.push({ deadline: start + this.options.maxWaitMs, enqueuedAt: start, resolve }),
    );
    if (queue.length === 1) void this.drain(action, queue);
    return admitted;
  }

  private async drain(action: string, queue: Waiter[]): Promise<void> {
    while (queue.length > 0) {
      const head = queue[0]!;
      const now = this.now();
      if (now > head.deadline) {
        queue.shift();
        head.resolve({ ok: false, retryAfterSeconds: Math.max(1, Math.ceil(queue.length / this.options.perSecond)) });
        continue;
      }
      if (await this.tryConsume(action)) {
        queue.shift();
        const waitedMs = this.now() - head.enqueuedAt;
        this.options.onAdmitted?.(action, waitedMs);
        head.resolve({ ok: true, waitedMs });
        continue;
      }
      await sleep(1000 - (this.now() % 1000) + 1);
    }
  }

  private async tryConsume(action: string): Promise<boolean> {
    const second = Math.floor(this.now() / 1000);
    const latestStart = (second + 1) * 1000 - END_OF_SECOND_GUARD_MS;
    if (this.now() >= latestStart) return false;
    try {
      await this.limiter.consume(`${action}:${second}`);
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw error;
    }
    // A slow store (Redis under load) can answer too late to use this second's token; it is forfeited.
    return this.now() < latestStart;
  }
}
