/**
 * Time as the caller chain sees it: a monotonic millisecond count and timers.
 * Injected into the budget, the breakers and the chain so tests drive time
 * themselves (test/support/fake-clock.ts) instead of waiting for it.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds; only differences between two readings mean anything. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Monotonic (unaffected by wall-clock steps), on the scale of `Date.now()`. */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on `clock`, or at once (false) when `cancel` is called first. */
export function sleep(clock: Clock, ms: number): { done: Promise<boolean>; cancel(): void } {
  let settle: (slept: boolean) => void = () => {};
  const done = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const timer = clock.setTimeout(() => settle(true), ms);
  return {
    done,
    cancel() {
      clock.clearTimeout(timer);
      settle(false);
    },
  };
}
