/**
 * The layer as users run it: `node dist/main.js` (what `npm start` runs), in production mode, configured through
 * its environment and logging JSON lines to standard output, which goes to /dev/null here. Its CPU time and
 * memory are read from /proc, so nothing in the layer's process is there for the benchmark.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { apiKeyDigest } from '../src/plugins/auth/api-keys.js';
import { freePort } from './loopback.js';
import type { BenchProcess, Usage } from './processes.js';
import { CREDENTIALS, EXPECTED_REPLY, graphqlBody, LAYER_QUERY } from './workload.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const BENCH_API_KEY = 'esk_benchmark-caller-key-0123456789abcdef';
/** Linux's clock ticks per second, in which /proc reports CPU time. */
const TICKS_PER_SECOND = 100;

function usageOf(pid: number): Usage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name) are user and system time in ticks.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    rssBytes: kilobytes('VmRSS'),
    peakRssBytes: kilobytes('VmHWM'),
    cpuMicros: (ticks / TICKS_PER_SECOND) * 1e6,
  };
}

export interface LayerProcess extends BenchProcess {
  /** Milliseconds from spawning the process to its first `200` on `/ready`. */
  startToReadyMs: number;
}

/** Starts the compiled layer against `upstreamUrl` and waits until `/ready` answers 200. */
export async function spawnLayer(
  upstreamUrl: string,
  env: NodeJS.ProcessEnv = {},
  nodeFlags: string[] = [],
): Promise<LayerProcess> {
  const port = await freePort();
  const apiKeys = [{ name: 'bench', sha256: apiKeyDigest(BENCH_API_KEY), unrestricted: true }];
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, MAIN], {
    env: {
      PATH: process.env.PATH,
      HOME: '/nonexistent',
      NODE_ENV: 'production',
      PORT: String(port),
      TENCENTCLOUD_SECRET_ID: CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: CREDENTIALS.secretKey,
      TENCENT_ESS_ENDPOINT: upstreamUrl,
      TENCENT_ESSBASIC_ENDPOINT: upstreamUrl,
      AUTH_API_KEYS: JSON.stringify(apiKeys),
      ...env,
    },
    stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit'],
  });
  const exited = once(child, 'exit');
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the layer exited with code ${child.exitCode}`);
    const ready = await fetch(`${base}/ready`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    await sleep(5);
  }
  const startToReadyMs = performance.now() - startedAt;
  return {
    name: 'layer',
    url: `${base}/graphql`,
    workload: { body: graphqlBody(LAYER_QUERY), expectBody: EXPECTED_REPLY, headers: { 'x-api-key': BENCH_API_KEY } },
    startToReadyMs,
    usage: async () => usageOf(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
