/** The benchmark's arithmetic: medians, ratios and the target verdict. */
import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../bench/measure.js';
import { figuresOf, formatTable, formatVerdicts, median, ratios, verdicts } from '../../bench/report.js';

const round = (requestsPerSecond: number, p99Ms: number): Measurement => ({
  requestsPerSecond,
  p50Ms: p99Ms / 2,
  p99Ms,
  requests: requestsPerSecond * 10,
  failures: 0,
  cpuMsPerRequest: 1000 / requestsPerSecond,
});

describe('benchmark report', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('compares the medians of the rounds, not one lucky round', () => {
    const layer = figuresOf('layer', 'layer', [round(3000, 20), round(100, 900), round(2500, 30)], 100);
    const baseline = figuresOf('baseline', 'baseline', [round(1000, 60), round(1000, 60), round(1000, 60)], 200);
    expect(layer.requestsPerSecond).toBe(2500);
    expect(layer.p99Ms).toBe(30);
    const r = ratios(layer, baseline);
    expect(r.requestsPerSecond).toBe(2.5);
    expect(r.p99).toBe(0.5);
    expect(r.peakRss).toBe(0.5);
  });

  it('holds each felt figure to its target, on both sides of the bound', () => {
    const mb = 1024 * 1024;
    const felt = {
      throughputOverBaseline: 1.5,
      addedP50Ms: 1,
      addedP99Ms: 5,
      startToReadyMs: 1000,
      idleRssBytes: 100 * mb,
      peakRssBytes: 200 * mb,
    };
    expect(verdicts(felt).every((v) => v.met)).toBe(true);
    const worse = {
      throughputOverBaseline: 1.49,
      addedP50Ms: 1.01,
      addedP99Ms: 5.01,
      startToReadyMs: 1001,
      idleRssBytes: 101 * mb,
      peakRssBytes: 201 * mb,
    };
    expect(verdicts(worse).map((v) => v.met)).toEqual([false, false, false, false, false, false]);
    expect(formatVerdicts(verdicts(worse))).toMatch(/^start to ready\s+1001 ms\s+≤ 1000 ms\s+NOT met$/m);
  });

  it('prints one row per contender and per comparison', () => {
    const a = figuresOf('a', 'contender a', [round(2000, 10)], 50 * 1024 * 1024);
    const b = figuresOf('b', 'contender b', [round(1000, 40)], 60 * 1024 * 1024);
    const text = formatTable([a, b], [{ label: 'a / b', ratios: ratios(a, b) }]);
    expect(text).toMatch(/^contender a\s+2000\s+5\.0\s+10\.0\s+0\.500\s+50 MB$/m);
    expect(text).toMatch(/^a \/ b\s+2\.00×\s+0\.25×\s+0\.25×\s+0\.50×\s+0\.83×$/m);
  });
});
