/** The call budget's window in memory: one replica, or no Redis. */
import type { Clock } from './clock.js';
import { admitFairly, type Candidate, SlidingLog, type TryResult, type WindowStore, retryDelayMs } from './window.js';

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
  admit(action: string, candidates: readonly Candidate[], maxAdmit: number, limit: number): TryResult {
    const now = this.clock.now();
    const log = this.log(action);
    const admitted = admitFairly(log, candidates, limit, maxAdmit, now, this.nextToken);
    const expiriesMs = log.expiriesMs(now);
    return {
      admitted,
      retryInMs: retryDelayMs(expiriesMs, limit, limit, this.windowMs),
      expiriesMs,
      effectiveLimit: limit,
      activeCallers: candidates.length,
    };
  }

  written(action: string, token: string): void {
    this.logs.get(action)?.written(token, this.clock.now());
  }

  release(action: string, token: string): void {
    this.logs.get(action)?.remove(token);
  }
}

export class MemoryWindowStore implements WindowStore {
  readonly mode = 'local' as const;
  private readonly windows: MemoryWindows;

  constructor(private readonly options: MemoryWindowOptions) {
    this.windows = new MemoryWindows(options.windowMs, options.pendingMs, options.clock);
  }

  async tryAdmit(action: string, candidates: readonly Candidate[], maxAdmit: number): Promise<TryResult> {
    return this.windows.admit(action, candidates, maxAdmit, this.options.limit);
  }

  written(action: string, token: string): void {
    this.windows.written(action, token);
  }

  release(action: string, token: string): void {
    this.windows.release(action, token);
  }

  leave(): void {}

  async close(): Promise<void> {}
}
