/** A throw-away redis-server on a loopback port, for the at-limit runs and the tests of shared state. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../loopback.js';

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM by default; SIGKILL for a crash (nothing flushed that was not already). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `port`: to start one again where a stopped one listened (a restart, as clients see it). `args`: more
 * configuration, after (and so over) the defaults of no persistence, e.g. `--appendonly yes --dir …`.
 */
export async function startRedisServer(
  command = 'redis-server',
  port?: number,
  args: readonly string[] = [],
): Promise<RedisServer> {
  const listenOn = port ?? (await freePort());
  const child: ChildProcess = spawn(
    command,
    ['--port', String(listenOn), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${listenOn}`,
    port: listenOn,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await once(child, 'exit');
    },
  };
}
