/** One measured run against a contender: the load's figures plus the CPU time the contender spent per request. */
import { type LoadOptions, type LoadResult, runLoad } from './load.js';
import type { BenchProcess } from './processes.js';

export interface Measurement extends LoadResult {
  /**
   * The contender's own CPU time per request served. Unlike req/s and latency, which other work on a
   * shared machine drags down, this stays steady, so it shows the effect of an optimisation best.
   */
  cpuMsPerRequest: number;
}

export async function measure(contender: BenchProcess, options: LoadOptions): Promise<Measurement> {
  const before = await contender.usage();
  const result = await runLoad(contender.url, contender.workload, options);
  const after = await contender.usage();
  return { ...result, cpuMsPerRequest: (after.cpuMicros - before.cpuMicros) / 1000 / Math.max(1, result.requests) };
}
