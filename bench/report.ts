/** The benchmark's figures: medians over the alternating rounds, ratios, the target, and the printed table. */
import type { Measurement } from './measure.js';

export interface ContenderFigures {
  name: string;
  label: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  peakRssBytes: number;
  rounds: Measurement[];
}

export interface Ratios {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
  peakRss: number;
}

/** What the layer is held to, as its users feel it. */
export const TARGET = {
  /** Closed-loop throughput over the official-SDK baseline's. */
  throughputAtLeast: 1.5,
  /** Latency added over the raw signed call, at an open-loop 50 requests per second. */
  addedP50MsAtMost: 1,
  addedP99MsAtMost: 5,
  startToReadyMsAtMost: 1000,
  idleRssMegabytesAtMost: 100,
  peakRssMegabytesAtMost: 200,
};

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function figuresOf(name: string, label: string, rounds: Measurement[], peakRssBytes: number): ContenderFigures {
  return {
    name,
    label,
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    cpuMsPerRequest: median(rounds.map((r) => r.cpuMsPerRequest)),
    peakRssBytes,
    rounds,
  };
}

export function ratios(a: ContenderFigures, b: ContenderFigures): Ratios {
  return {
    requestsPerSecond: a.requestsPerSecond / b.requestsPerSecond,
    p50: a.p50Ms / b.p50Ms,
    p99: a.p99Ms / b.p99Ms,
    cpuPerRequest: a.cpuMsPerRequest / b.cpuMsPerRequest,
    peakRss: a.peakRssBytes / b.peakRssBytes,
  };
}

/** The figures a user of the layer feels, beside the throughput comparison. */
export interface FeltFigures {
  throughputOverBaseline: number;
  addedP50Ms: number;
  addedP99Ms: number;
  startToReadyMs: number;
  idleRssBytes: number;
  peakRssBytes: number;
}

export interface Verdict {
  what: string;
  measured: string;
  target: string;
  met: boolean;
}

const megabytesOf = (bytes: number) => bytes / 1024 / 1024;

export function verdicts(felt: FeltFigures): Verdict[] {
  const at = (what: string, measured: string, target: string, met: boolean): Verdict => ({
    what,
    measured,
    target,
    met,
  });
  return [
    at(
      'throughput / baseline',
      times(felt.throughputOverBaseline),
      `≥ ${TARGET.throughputAtLeast}×`,
      felt.throughputOverBaseline >= TARGET.throughputAtLeast,
    ),
    at(
      'added latency p50 at 50 req/s',
      `${felt.addedP50Ms.toFixed(2)} ms`,
      `≤ ${TARGET.addedP50MsAtMost} ms`,
      felt.addedP50Ms <= TARGET.addedP50MsAtMost,
    ),
    at(
      'added latency p99 at 50 req/s',
      `${felt.addedP99Ms.toFixed(2)} ms`,
      `≤ ${TARGET.addedP99MsAtMost} ms`,
      felt.addedP99Ms <= TARGET.addedP99MsAtMost,
    ),
    at(
      'start to ready',
      `${felt.startToReadyMs.toFixed(0)} ms`,
      `≤ ${TARGET.startToReadyMsAtMost} ms`,
      felt.startToReadyMs <= TARGET.startToReadyMsAtMost,
    ),
    at(
      'idle RSS',
      megabytes(felt.idleRssBytes),
      `≤ ${TARGET.idleRssMegabytesAtMost} MB`,
      megabytesOf(felt.idleRssBytes) <= TARGET.idleRssMegabytesAtMost,
    ),
    at(
      'peak RSS under load',
      megabytes(felt.peakRssBytes),
      `≤ ${TARGET.peakRssMegabytesAtMost} MB`,
      megabytesOf(felt.peakRssBytes) <= TARGET.peakRssMegabytesAtMost,
    ),
  ];
}

export function formatVerdicts(list: readonly Verdict[]): string {
  return table([
    ['the layer', 'measured', 'target', ''],
    ...list.map((v) => [v.what, v.measured, v.target, v.met ? 'met' : 'NOT met']),
  ]);
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const times = (ratio: number) => `${ratio.toFixed(2)}×`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n');
}

export function formatTable(contenders: ContenderFigures[], comparisons: { label: string; ratios: Ratios }[]): string {
  const figures = table([
    ['contender', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'peak RSS'],
    ...contenders.map((c) => [
      c.label,
      c.requestsPerSecond.toFixed(0),
      c.p50Ms.toFixed(1),
      c.p99Ms.toFixed(1),
      c.cpuMsPerRequest.toFixed(3),
      megabytes(c.peakRssBytes),
    ]),
  ]);
  const ratioTable = table([
    ['ratio', 'req/s', 'p50', 'p99', 'CPU/req', 'peak RSS'],
    ...comparisons.map(({ label, ratios: r }) => [
      label,
      times(r.requestsPerSecond),
      times(r.p50),
      times(r.p99),
      times(r.cpuPerRequest),
      times(r.peakRss),
    ]),
  ]);
  return `${figures}\n\n${ratioTable}`;
}
