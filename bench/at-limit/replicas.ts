/** Starts at-limit replicas (replica.ts) in processes of their own, and stops them. */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ReplicaOptions } from './replica.js';

export interface ReplicaProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const REPLICA = fileURLToPath(new URL('./replica.ts', import.meta.url));

export async function spawnReplica(options: ReplicaOptions): Promise<ReplicaProcess> {
  const child = fork(REPLICA, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { type: string; url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`replica exited with ${code} before it was ready`)));
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
