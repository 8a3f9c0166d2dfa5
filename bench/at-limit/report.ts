/** What an at-limit run showed: Tencent's side (the stand-in's record) and the callers' side. */
import type { CallResult } from './load.js';
import { busiestWindow } from './models.js';
import type { Arrival } from './stand-in.js';

export interface RunSummary {
  model: string;
  replicas: number;
  guardMs: number;
  /** Calls that reached the stand-in, and those it refused with RequestLimitExceeded. */
  arrived: number;
  refusals: number;
  /** Accepted calls per second while demand exceeded the limit (after the burst's first second). */
  successesPerSecond: number;
  /** The most calls arriving at the stand-in in any 1,000 ms. */
  busiestSlidingSecond: number;
  /** The most requests the layer wrote in any 1,000 ms (its own clock): what the budget holds, whatever the network does. */
  busiestWrittenSecond: number;
  callers: Record<string, number>;
  latencyMs: Record<string, { p50: number; p99: number; max: number }>;
  /** Milliseconds from a request being written (the start the budget counts) to its arrival at the stand-in. */
  delayMs: { min: number; p50: number; p99: number; max: number };
  /** Milliseconds from the replica handing a call to its connection pool to its arrival (connection waits included). */
  handOverDelayMs: { min: number; p50: number; p99: number; max: number };
  /** Rate-limited answers' retryAfterSeconds. */
  retryAfterSeconds: { min: number; max: number } | undefined;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const sorted = (values: number[]) => values.sort((a, b) => a - b);

export function summarize(
  run: { model: string; replicas: number; guardMs: number; seconds: number; startedAt: number },
  arrivals: readonly Arrival[],
  results: readonly CallResult[],
): RunSummary {
  const from = run.startedAt + 1_000;
  const to = run.startedAt + run.seconds * 1_000;
  const accepted = arrivals.filter((arrival) => arrival.accepted && arrival.at >= from && arrival.at < to);
  const kindOf = (result: CallResult) =>
    result.kind === 'ok'
      ? 'success'
      : result.kind === 'rate-limited'
        ? 'RateLimitedError'
        : `${result.kind}:${result.code}`;
  const callers: Record<string, number> = {};
  const latencies: Record<string, number[]> = {};
  for (const result of results) {
    const kind = kindOf(result);
    callers[kind] = (callers[kind] ?? 0) + 1;
    const latency = result.answeredAt - result.sentByHarnessAt;
    if (latencies[kind]) latencies[kind].push(latency);
    else latencies[kind] = [latency];
  }
  const latencyMs = Object.fromEntries(
    Object.entries(latencies).map(([kind, values]) => {
      const all = sorted(values);
      return [kind, { p50: quantile(all, 0.5), p99: quantile(all, 0.99), max: all.at(-1)! }];
    }),
  );
  const byId = new Map(results.map((result) => [result.id, result]));
  const delaysFrom = (time: (result: CallResult) => number | undefined) => {
    const delays = sorted(
      arrivals.flatMap((arrival) => {
        const result = byId.get(arrival.id);
        const from = result && time(result);
        return from === undefined ? [] : [arrival.at - from];
      }),
    );
    return { min: delays[0] ?? 0, p50: quantile(delays, 0.5), p99: quantile(delays, 0.99), max: delays.at(-1) ?? 0 };
  };
  const retryAfters = results.flatMap((result) =>
    result.retryAfterSeconds === undefined ? [] : [result.retryAfterSeconds],
  );
  return {
    model: run.model,
    replicas: run.replicas,
    guardMs: run.guardMs,
    arrived: arrivals.length,
    refusals: arrivals.filter((arrival) => !arrival.accepted).length,
    successesPerSecond: accepted.length / ((to - from) / 1_000),
    busiestSlidingSecond: busiestWindow(arrivals.map((arrival) => arrival.at)),
    busiestWrittenSecond: busiestWindow(
      results.flatMap((result) => (result.writtenAt === undefined ? [] : [result.writtenAt])),
    ),
    callers,
    latencyMs,
    delayMs: delaysFrom((result) => result.writtenAt),
    handOverDelayMs: delaysFrom((result) => result.sentAt),
    retryAfterSeconds: retryAfters.length
      ? { min: Math.min(...retryAfters), max: Math.max(...retryAfters) }
      : undefined,
  };
}

export function formatSummaries(summaries: readonly RunSummary[]): string {
  const header =
    'model                               repl guard  refused  ok/s  busiest (written)  callers got                                   latency p50/p99/max ms (success; RateLimited)  write→arrival p50/p99/max  hand-over→arrival max';
  const rows = summaries.map((s) => {
    const callers = Object.entries(s.callers)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    const lat = (kind: string) => {
      const l = s.latencyMs[kind];
      return l ? `${l.p50}/${l.p99}/${l.max}` : '-';
    };
    // Through the whole layer the harness cannot see when requests were written: those columns stay empty.
    const seen = Number.isFinite(s.delayMs.p50);
    return [
      s.model.padEnd(36),
      String(s.replicas).padStart(4),
      String(s.guardMs).padStart(5),
      String(s.refusals).padStart(8),
      s.successesPerSecond.toFixed(1).padStart(5),
      `${String(s.busiestSlidingSecond).padStart(8)} (${seen ? s.busiestWrittenSecond : '-'})`.padEnd(18),
      `  ${callers}`.padEnd(48),
      `${lat('success')}; ${lat('RateLimitedError')}`.padEnd(47),
      (seen ? `${s.delayMs.p50}/${s.delayMs.p99}/${s.delayMs.max}` : '-').padEnd(26),
      seen ? String(s.handOverDelayMs.max) : '-',
    ].join(' ');
  });
  return [header, ...rows].join('\n');
}
