import type { Workload } from '../workload.js';

/** One server under measurement, started against the fake upstream. */
export interface RunningContender {
  url: string;
  workload: Workload;
  close(): Promise<void>;
}

/** How the layer runs: the benchmark's defaults, or the soak's limiter and idempotency settings. */
export interface LayerOptions {
  env?: NodeJS.ProcessEnv;
}

export type StartContender = (upstreamUrl: string, options: LayerOptions) => Promise<RunningContender>;
