import type { Claim, IdempotencyStore, Lease, StoredResult, StoreTimings } from './store.js';

interface Entry {
  fingerprint: string;
  expiresAt: number;
  result?: StoredResult;
  /** Settles when the first request finishes (completed or released). */
  settled: Promise<void>;
  settle: () => void;
}

/** How often expired records are swept out: walking every record on every claim would grow with the store. */
const SWEEP_INTERVAL_MS = 1_000;

export interface MemoryStoreOptions {
  /** The most records held; past it the oldest finished record is dropped for each new one. */
  maxRecords: number;
  /** Called for each record dropped to stay within `maxRecords`. */
  onEvict?: () => void;
  now?: () => number;
}

/**
 * Records in this process, at most `maxRecords` of them, so a stream of fresh keys cannot grow memory without bound:
 * past the bound the oldest finished record is evicted (its key would then run again). A record whose request is
 * still running is never evicted; there are only as many of those as requests in flight. A sweep at most once a
 * second drops expired records.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  /** In the order records were finished (or, while running, claimed): the first finished one is the oldest. */
  private readonly entries = new Map<string, Entry>();
  private lastSweep = Number.NEGATIVE_INFINITY;
  private readonly maxRecords: number;
  private readonly onEvict: () => void;
  private readonly now: () => number;

  constructor(
    private readonly timings: StoreTimings,
    { maxRecords, onEvict = () => {}, now = Date.now }: MemoryStoreOptions,
  ) {
    this.maxRecords = maxRecords;
    this.onEvict = onEvict;
    this.now = now;
  }

  /** Records held, running ones included. */
  get size(): number {
    return this.entries.size;
  }

  async claim(key: string, fingerprint: string): Promise<Claim> {
    this.sweep();
    const entry = this.live(key);
    if (!entry) {
      this.makeRoom();
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const claimed: Entry = { fingerprint, expiresAt: this.now() + this.timings.ttlMs, settled, settle };
      this.entries.set(key, claimed);
      return { state: 'new', lease: this.leaseOf(key, claimed) };
    }
    if (entry.fingerprint !== fingerprint) return { state: 'conflict' };
    if (entry.result) return { state: 'replay', result: entry.result };
    const finished = await Promise.race([
      entry.settled.then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, this.timings.waitMs, false).unref()),
    ]);
    return finished ? this.claim(key, fingerprint) : { state: 'busy' };
  }

  /**
   * The running request's hold on `entry`. Nothing renews it: the request cannot outlive this process, and its
   * records end with it. Sent marks need no keeping for the same reason: no repeat can find one its owner left.
   */
  private leaseOf(key: string, entry: Entry): Lease {
    const held = () => this.entries.get(key) === entry && entry.result === undefined;
    return {
      markSent: async () => {
        if (!held()) throw new Error('the idempotency record is no longer held by this request');
      },
      complete: async (result: StoredResult) => {
        if (!held()) return;
        entry.result = result;
        entry.expiresAt = this.now() + this.timings.ttlMs;
        // Moved to the end: the map stays in the order records finished, so the oldest is found first.
        this.entries.delete(key);
        this.entries.set(key, entry);
        entry.settle();
      },
      release: async () => {
        if (!held()) return;
        this.entries.delete(key);
        entry.settle();
      },
    };
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

  /** Evicts the oldest finished records until one more fits; the running ones it passes are few (in flight). */
  private makeRoom(): void {
    if (this.entries.size < this.maxRecords) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.maxRecords) return;
      if (!entry.result) continue;
      this.entries.delete(key);
      this.onEvict();
    }
  }

  /** Every finished record lives as long, so in finishing order the expired ones come first: it stops at a live one. */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      if (!entry.result) continue;
      if (entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }
}
