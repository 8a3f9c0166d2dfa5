/** Tencent's default limit for these actions: 20 calls per second per action, counted per whole second. */
export class PerSecondLimit {
  private readonly windows = new Map<string, { second: number; count: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** Counts one call; false when it is over the limit (limit 0: never). */
  admit(action: string): boolean {
    if (this.perSecond === 0) return true;
    const second = Math.floor(this.now() / 1000);
    const window = this.windows.get(action);
    if (!window || window.second !== second) {
      this.windows.set(action, { second, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.perSecond;
  }
}
