/**
 * A real `redis-server` on a free loopback port, for the tests of state shared
 * between replicas. Where none is installed the tests are skipped loudly, and
 * in CI (`CI` set) they fail instead: CI installs Redis.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.js';
import { useStarted } from './lifecycle.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

export const redisAvailable = spawnSync(REDIS_SERVER, ['--version']).status === 0;

if (!redisAvailable) {
  const message = `redis-server not found (${REDIS_SERVER}): the shared-state tests cannot run. Install it (apt-get install -y redis-server) or set REDIS_SERVER.`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n*** SKIPPING Redis tests: ${message}\n`);
}

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
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
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** One redis-server for the enclosing `describe`, stopped after its tests. */
export function useRedis(): { readonly url: string } {
  const server = useStarted('redis-server', startRedis, (started) => started.stop());
  return {
    get url() {
      return server().url;
    },
  };
}
