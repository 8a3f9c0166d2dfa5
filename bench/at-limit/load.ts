/**
 * The at-limit load: a burst of calls at once, then a steady rate, spread
 * round-robin over the replicas, each call with an id of its own (sent as the
 * cancel's `QrCodeId`, so the stand-in's record and the caller's answer meet).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { CallReport } from './replica.js';

export interface LoadPlan {
  burst: number;
  /** Calls per second after the burst. */
  rate: number;
  seconds: number;
  /** The caller id of the `i`-th call (absent: anonymous). */
  callerOf?: (index: number) => string | undefined;
}

export interface CallResult extends CallReport {
  id: string;
  replica: number;
  /** `Date.now()` when the harness sent it, and when the answer came back. */
  sentByHarnessAt: number;
  answeredAt: number;
}

export async function drive(replicaUrls: readonly string[], plan: LoadPlan, tag: string): Promise<CallResult[]> {
  const pools = replicaUrls.map((url) => new Pool(url, { connections: plan.burst + plan.rate * 10, pipelining: 1 }));
  const calls: Promise<CallResult>[] = [];
  const send = (index: number) => {
    const replica = index % pools.length;
    const id = `${tag}-${index}`.padStart(32, '0');
    const sentByHarnessAt = Date.now();
    calls.push(
      pools[replica]!.request({
        method: 'POST',
        path: '/call',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, callerId: plan.callerOf?.(index) }),
      })
        .then((res) => res.body.json() as Promise<CallReport>)
        .then((report) => ({ ...report, id, replica, sentByHarnessAt, answeredAt: Date.now() })),
    );
  };
  const startedAt = Date.now();
  for (let i = 0; i < plan.burst; i++) send(i);
  const steady = plan.rate * plan.seconds;
  for (let i = 0; i < steady; i++) {
    // Scheduled from the start, so the rate does not drift with timer lateness.
    const due = startedAt + ((i + 1) * 1000) / plan.rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    send(plan.burst + i);
  }
  const results = await Promise.all(calls);
  await Promise.all(pools.map((pool) => pool.close()));
  return results;
}
