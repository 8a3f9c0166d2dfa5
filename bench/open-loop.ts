/**
 * Open-loop load: requests sent on a fixed schedule (e.g. 50 a second) whatever the answers' latency, as users
 * arrive, each timed on its own to the microsecond. Closed-loop tools measure throughput; this measures the
 * latency a request meets at a realistic rate.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { Workload } from './workload.js';

export interface OpenLoopResult {
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  /** Every latency, sorted, in milliseconds. */
  latenciesMs: number[];
}

/** The `q` quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export async function runOpenLoop(
  url: string,
  workload: Workload,
  options: { rate: number; durationSeconds: number },
): Promise<OpenLoopResult> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 16, keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...workload.headers };
  const latencies: number[] = [];
  let failures = 0;
  const one = async () => {
    const startedAt = performance.now();
    try {
      const res = await pool.request({ method: 'POST', path: target.pathname, headers, body: workload.body });
      const body = await res.body.text();
      if (res.statusCode !== 200 || body !== workload.expectBody) failures += 1;
    } catch {
      failures += 1;
    }
    latencies.push(performance.now() - startedAt);
  };
  const total = Math.round(options.rate * options.durationSeconds);
  const intervalMs = 1000 / options.rate;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(one());
  }
  await Promise.all(pending);
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    failures,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    latenciesMs: latencies,
  };
}
