/** The service as `npm start` runs it (compiled, plain node): a child process, for tests that need their own process (replicas, signals). */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { compiled } from './build.js';
import { TEST_CREDENTIALS } from './emulator.js';
import { EMPTY_HOME } from './service.js';

export interface ServiceProcess {
  url: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** What it printed on stdout alone, and on stderr alone. */
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and answers the exit code once its output has all been read. */
  stop(): Promise<number | null>;
}

/** The start-up record, pretty (`… GraphQL endpoint … {"url":"http://…"}`) or a JSON line (`{…"url":"http://…",…"msg":"GraphQL endpoint …"}`). */
const READY_LINE = /GraphQL endpoint[^\n]*"url":"([^"]+)"|"url":"([^"]+)"[^\n]*GraphQL endpoint/;

export async function spawnService(upstream: { url: string }, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [compiled()], {
    env: {
      PATH: process.env.PATH,
      HOME: EMPTY_HOME,
      PORT: '0',
      TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey,
      TENCENT_ESS_ENDPOINT: upstream.url,
      TENCENT_ESSBASIC_ENDPOINT: upstream.url,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const printed = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].on('data', (chunk: Buffer) => {
      output += chunk.toString();
      printed[stream] += chunk.toString();
    });
  }
  while (!READY_LINE.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    await sleep(50);
  }
  return {
    url: READY_LINE.exec(output)!.slice(1).find(Boolean)!,
    child,
    output: () => output,
    stdout: () => printed.stdout,
    stderr: () => printed.stderr,
    async stop() {
      // Exited, or killed by a signal (a test's SIGKILL): its 'close' has come and gone.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      // 'close', not 'exit': it comes once stdout and stderr have ended, so output() is complete.
      const [code] = (await once(child, 'close')) as [number | null];
      return code;
    },
  };
}
