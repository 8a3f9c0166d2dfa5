/**
 * The heap policy (src/server/heap.ts) in a process of its own, as `npm start` sets it: V8 must honour the flag
 * set after start. The same churn (a live set, and objects that live long enough to be promoted, then die) runs
 * with and without it; with it, the old space is collected before it grows as far.
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiled } from '../support/build.js';

/** A script printing the largest `heapUsed` (MB) seen while it churns; `tune` calls `tuneHeap()` first. */
const churn = (tune: boolean) => `
  ${tune ? `const { tuneHeap } = await import(${JSON.stringify(pathToFileURL(compiled('server/heap.js')).href)}); tuneHeap();` : ''}
  const live = Array.from({ length: 200_000 }, (_, i) => ({ i, text: 'live ' + i }));
  // Each object outlives a few scavenges (so it is promoted), then dies when the ring comes round.
  const ring = new Array(150_000).fill(null);
  let peak = 0;
  for (let n = 0; n < 6_000_000; n++) {
    ring[n % ring.length] = { n, text: 'g' + n, list: [n] };
    if (n % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  console.log(Math.round(peak / 1048576), live.length);
`;

const peakMegabytes = (tune: boolean) =>
  Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', churn(tune)], { encoding: 'utf8' }).split(' ')[0],
  );

describe('the heap policy', () => {
  it('keeps the heap smaller under the same churn than V8 does by default', () => {
    const untuned = peakMegabytes(false);
    const tuned = peakMegabytes(true);
    expect(tuned).toBeLessThan(untuned * 0.7);
  });
});
