/** A clock the test moves by hand, starting at the real time (so signatures' timestamps look plausible). */
export class ManualClock {
  private ms = Date.now();

  readonly now = (): number => this.ms;

  advance(ms: number): void {
    this.ms += ms;
  }
}
