/**
 * Test helper: a clock the test moves. Timers fire in time order as it
 * advances, and promises waiting on them settle before the next one fires, so
 * tests of the budget, breaker and chain run without waiting for wall time.
 */
import type { Clock, TimerHandle } from '../../src/tencent/caller/clock.js';

interface Timer {
  at: number;
  order: number;
  callback: () => void;
}

/** Lets every promise chain that can settle now do so (one macrotask turn drains the microtask queue). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private time: number;
  private order = 0;
  private readonly timers = new Set<Timer>();

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { at: this.time + Math.max(0, ms), order: this.order++, callback };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as Timer);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own time. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.timers.delete(next);
      this.time = next.at;
      next.callback();
    }
    this.time = target;
    await settle();
  }

  /** Advances until `done` has settled (at most `limitMs`), and answers its value. */
  async until<T>(done: Promise<T>, limitMs = 60_000): Promise<T> {
    let finished = false;
    const tracked = done.finally(() => {
      finished = true;
    });
    const end = this.time + limitMs;
    await settle();
    while (!finished && this.time < end) {
      const next = this.earliest();
      await this.advance(next ? Math.max(0, Math.min(next.at, end) - this.time) : end - this.time);
    }
    if (!finished) throw new Error(`still pending after ${limitMs} ms of fake time`);
    return tracked;
  }

  private earliest(): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.timers) {
      if (!first || timer.at < first.at || (timer.at === first.at && timer.order < first.order)) first = timer;
    }
    return first;
  }
}
