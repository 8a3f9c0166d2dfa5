/** The call budget's window in memory: one replica, or no Redis. */
import type { Clock } from './clock.js';
import { admitFairly, type Candidate, retryDelayMs, SlidingLog, type TryResult, type WindowStore } from './window.js';

export interface MemoryWindowOptions {
  limit: number;
  windowMs: number;
  /** How long a call let through may take to be written (its deadline). */
  pendingMs: number;
  clock: Clock;
}

/** Sliding logs per action, kept in this process. */
export class MemoryWindows {
  private readonly logs = new Map<string, SlidingLog>();
  private sequence = 0;

  constructor(
    private readonly windowMs: number,
    private readonly pendingMs: number,
    private readonly clock: Clock,
    /** Names each start: a number by default; the Redis store's own log uses its Redis members. */
    private readonly nextToken: (callerId: string) => string = () => String(++this.sequence),
  ) {}

  log(action: string): SlidingLog {
    let log = this.logs.get(action);
    if (!log) {
      log = new SlidingLog(this.windowMs, this.pendingMs);
      this.logs.set(action, log);
    }
    log.prune(this.clock.now());
    return log;
  }

  /** Admits within `limit`, fairly between the candidates (the only callers this store knows of). */
  admit(action: string, candidates: readonly Candidate[], limit: number): TryResult {
    const now = this.clock.now();
    const log = this.log(action);
    const admitted = admitFairly(log, candidates, limit, now, this.nextToken);
    const paceInMs = log.pace.waitMs(now, limit);
    return {
      admitted,
      retryInMs:
        log.size < limit
          ? retryDelayMs([], limit, paceInMs, this.windowMs)
          : retryDelayMs(log.expiriesMs(now), limit, paceInMs, this.windowMs),
      paceInMs,
      expiriesMs: () => log.expiriesMs(now),
      effectiveLimit: limit,
      activeCallers: candidates.length,
      waitingElsewhere: [],
    };
  }

  written(action: string, token: string): void {
    this.logs.get(action)?.markWritten(token, this.clock.now());
  }

  release(action: string, token: string, limit: number): void {
    const log = this.logs.get(action);
    if (log?.remove(token)) log.pace.giveBack(this.clock.now(), limit);
  }
}

export class MemoryWindowStore implements WindowStore {
  readonly mode = 'local' as const;
  private readonly windows: MemoryWindows;

  constructor(private readonly options: MemoryWindowOptions) {
    this.windows = new MemoryWindows(options.windowMs, options.pendingMs, options.clock);
  }

  async tryAdmit(action: string, candidates: readonly Candidate[]): Promise<TryResult> {
    return this.windows.admit(action, candidates, this.options.limit);
  }

  written(action: string, token: string): void {
    this.windows.written(action, token);
  }

  release(action: string, token: string): void {
    this.windows.release(action, token, this.options.limit);
  }

  leave(): void {}

  async close(): Promise<void> {}
}
