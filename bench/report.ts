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

/** The target: the layer serves at least 2.5× the baseline's throughput at no more than half its p99. */
export const TARGET = { throughputAtLeast: 2.5, p99AtMost: 0.5 };

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

export function meetsTarget(layerOverBaseline: Ratios): boolean {
  return layerOverBaseline.requestsPerSecond >= TARGET.throughputAtLeast && layerOverBaseline.p99 <= TARGET.p99AtMost;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const times = (ratio: number) => `${ratio.toFixed(2)}×`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '))
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
