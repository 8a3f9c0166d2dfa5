/**
 * Tencent's "默认接口请求频率限制：20次/秒" (20 calls per second) read as strictly as it can be: at most
 * N calls of one action are admitted in ANY 1,000 ms, wherever whole seconds begin. A client that stays
 * within this stays within every looser reading (a counter per whole second, a token bucket).
 */
export const WINDOW_MS = 1_000;

export class SlidingWindowLimit {
  /** Per action, the admission times of its last N admitted calls, oldest at `next`. */
  private readonly windows = new Map<string, { times: number[]; next: number }>();

  constructor(
    private readonly perWindow: number,
    private readonly now: () => number,
  ) {}

  /** Admits one call if fewer than N were admitted in the 1,000 ms before it; 0 turns the limit off. */
  admit(action: string): boolean {
    if (this.perWindow === 0) return true;
    const now = this.now();
    let window = this.windows.get(action);
    if (!window) {
      window = { times: Array.from({ length: this.perWindow }, () => Number.NEGATIVE_INFINITY), next: 0 };
      this.windows.set(action, window);
    }
    // The Nth most recent admission: if it is less than a window ago, this call would be the (N+1)th.
    if (now - window.times[window.next]! < WINDOW_MS) return false;
    window.times[window.next] = now;
    window.next = (window.next + 1) % this.perWindow;
    return true;
  }
}
