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
  /** Sends SIGTERM and answers the exit code once its output has all been read. */
  stop(): Promise<number | null>;
}

/** The start-up record, pretty (`… GraphQL endpoint … {"url":"http://…"}`) or JSON (`{…"url":"http://…",…"msg":"GraphQL endpoint listening"}`). */
const READY_LINE = /^.*GraphQL endpoint.*$/m;
const URL_FIELD = /"url":"([^"]+)"/;

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
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  while (!READY_LINE.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    await sleep(50);
  }
  return {
    url: URL_FIELD.exec(READY_LINE.exec(output)![0])![1]!,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      // 'close', not 'exit': it comes once stdout and stderr have ended, so output() is complete.
      const [code] = (await once(child, 'close')) as [number | null];
      return code;
    },
  };
}
