/** One load run with autocannon; every reply body is compared with the one expected. */
import autocannon from 'autocannon';
import type { Workload } from './workload.js';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /** A fixed total rate (requests per second) instead of as fast as possible. */
  overallRate?: number;
  /** Sets headers per request, e.g. a fresh `Idempotency-Key`. */
  headersFor?: () => Record<string, string>;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors, time-outs, non-2xx statuses and unexpected bodies. */
  failures: number;
}

export async function runLoad(url: string, workload: Workload, options: LoadOptions): Promise<LoadResult> {
  const { headersFor } = options;
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...workload.headers },
    body: workload.body,
    expectBody: workload.expectBody,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    ...(headersFor
      ? {
          setupRequest: (request: autocannon.Request) => ({
            ...request,
            headers: { ...request.headers, ...headersFor() },
          }),
        }
      : {}),
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.non2xx + result.mismatches,
  };
}
