/**
 * The compiled service in dist/, as `npm start` runs it. `npm install` builds it (the `prepare` script); the test
 * run rebuilds it first when a source file is newer, so no test runs yesterday's code.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}

/** The compiled `path` under dist/ (by default what `npm start` runs); the global set-up built it before any test. */
export function compiled(path = 'main.js'): string {
  return join(ROOT, 'dist', path);
}

/** Builds dist/ when it is missing or older than src/: once, before any test file runs (vitest's globalSetup). */
export function setup(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', 'main.js')).mtimeMs;
  } catch {}
  if (built < newest(join(ROOT, 'src'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  }
}
