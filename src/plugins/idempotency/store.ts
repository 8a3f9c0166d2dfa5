/** Where idempotency records live: this process's memory, or Redis when replicas share them. */
import type { ExecutionResult } from 'graphql';

/** What a replay needs of a result: its data; errors are never kept (a request that failed may be made again). */
export type StoredResult = Pick<ExecutionResult, 'data'>;

export type Claim =
  /** First use of the key (or a dead request's key that sent nothing): run the operation, then end the lease. */
  | { state: 'new'; lease: Lease }
  /** The same request ran before: answer its result. */
  | { state: 'replay'; result: StoredResult }
  /** The key was used for a different request. */
  | { state: 'conflict' }
  /** The first request with this key is still running and did not finish in time. */
  | { state: 'busy' }
  /**
   * The first request with this key marked these calls sent to Tencent, then stopped without finishing (its replica
   * died): whether they took effect is unknown, so they must not be sent again under this key.
   */
  | { state: 'unknown'; sent: readonly string[] };

/**
 * A running request's hold on its key. It is renewed while the request runs; when the renewals stop (the process
 * died) the key is taken over, by a repeat that runs again if nothing was marked sent, else answers `unknown`.
 */
export interface Lease {
  /**
   * Marks one Tencent call of the request sent, before it is written. Rejects when the key is no longer held by
   * this request (taken over), or the record cannot be written: the call must then not be sent.
   */
  markSent(call: string): Promise<void>;
  /** Keeps the result for the record's lifetime, and ends the lease. */
  complete(result: StoredResult): Promise<void>;
  /** Gives the key up without a result (sent marks included), so the request may be made again; ends the lease. */
  release(): Promise<void>;
}

export interface IdempotencyStore {
  /** Claims `key` for a request with `fingerprint`; waits while a first request with the key is running. */
  claim(key: string, fingerprint: string): Promise<Claim>;
}

export interface StoreTimings {
  /** How long a finished record answers replays. */
  ttlMs: number;
  /** How long a duplicate waits for the first request to finish. */
  waitMs: number;
}
