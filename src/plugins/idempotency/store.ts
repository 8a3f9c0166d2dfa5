/** Where idempotency records live: this process's memory, or Redis when replicas share them. */
import type { ExecutionResult } from 'graphql';

/** What a replay needs of a result: its data; errors are never kept (a request that failed may be made again). */
export type StoredResult = Pick<ExecutionResult, 'data'>;

export type Claim =
  /** First use of the key: run the operation, then `complete` or `release`. */
  | { state: 'new' }
  /** The same request ran before: answer its result. */
  | { state: 'replay'; result: StoredResult }
  /** The key was used for a different request. */
  | { state: 'conflict' }
  /** The first request with this key is still running and did not finish in time. */
  | { state: 'busy' };

export interface IdempotencyStore {
  /** Claims `key` for a request with `fingerprint`; waits while a first request with the key is running. */
  claim(key: string, fingerprint: string): Promise<Claim>;
  /** Stores the result of a claimed key for the record's lifetime. */
  complete(key: string, fingerprint: string, result: StoredResult): Promise<void>;
  /** Gives a claimed key up without a result, so the request may be made again. */
  release(key: string): Promise<void>;
}

export interface StoreTimings {
  /** How long a finished record answers replays. */
  ttlMs: number;
  /** How long a duplicate waits for the first request to finish. */
  waitMs: number;
}
