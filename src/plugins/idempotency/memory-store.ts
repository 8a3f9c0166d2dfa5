import type { ExecutionResult } from 'graphql';
import type { Claim, IdempotencyStore, StoreTimings } from './store.js';

interface Entry {
  fingerprint: string;
  expiresAt: number;
  result?: ExecutionResult;
  /** Settles when the first request finishes (completed or released). */
  settled: Promise<void>;
  settle: () => void;
}

/** How often expired records are swept out: walking every record on every claim would grow with the store. */
const SWEEP_INTERVAL_MS = 1_000;

/** Records in this process; a periodic sweep keeps expired ones from piling up. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly timings: StoreTimings,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: string, fingerprint: string): Promise<Claim> {
    this.sweep();
    const entry = this.live(key);
    if (!entry) {
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      this.entries.set(key, { fingerprint, expiresAt: this.now() + this.timings.ttlMs, settled, settle });
      return { state: 'new' };
    }
    if (entry.fingerprint !== fingerprint) return { state: 'conflict' };
    if (entry.result) return { state: 'replay', result: entry.result };
    const finished = await Promise.race([
      entry.settled.then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, this.timings.waitMs, false).unref()),
    ]);
    return finished ? this.claim(key, fingerprint) : { state: 'busy' };
  }

  async complete(key: string, fingerprint: string, result: ExecutionResult): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || entry.fingerprint !== fingerprint) return;
    entry.result = result;
    entry.expiresAt = this.now() + this.timings.ttlMs;
    entry.settle();
  }

  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    entry?.settle();
  }

  /** The record for `key`, unless it has expired since the last sweep. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.result && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      if (entry.result && entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
