import type { Workload } from '../workload.js';

/** One server under measurement, started against the fake upstream. */
export interface RunningContender {
  url: string;
  workload: Workload;
  close(): Promise<void>;
}

export type StartContender = (upstreamUrl: string) => Promise<RunningContender>;
