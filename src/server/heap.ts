/**
 * The service's heap policy, set once at start-up by `src/main.ts`.
 *
 * Under load, request objects that outlive two scavenges are promoted, and by default V8 lets the old space grow to
 * several times what survives before collecting it, so peak RSS under load was many times the live heap. Growing it
 * by half instead trades more frequent (incremental) major collections for that memory; docs/performance.md has
 * both sides measured. V8 reads this flag at every major collection, so setting it once the process runs takes
 * effect; a `--heap-growing-percent` given to `node` itself is left alone.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

export function tuneHeap(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
