/** Starts the at-limit replicas (replica.ts) and the stand-in (stand-in-process.ts) in processes of their own. */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ModelName } from './models.js';
import type { ReplicaOptions } from './replica.js';
import type { Arrival } from './stand-in.js';

export interface ReplicaProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const REPLICA = fileURLToPath(new URL('./replica.ts', import.meta.url));
const STAND_IN = fileURLToPath(new URL('./stand-in-process.ts', import.meta.url));

/** Forks `module` and waits for its `{ type: 'ready', url }`. */
async function start(module: string, args: string[], what: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(module, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { type: string; url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready`)));
  });
  return { child, url };
}

export interface StandInProcess {
  url: string;
  arrivals(): Promise<Arrival[]>;
  stop(): Promise<void>;
}

/**
 * The stand-in plays Tencent, whose servers are not stalled by our load: on a machine shared with other work,
 * a descheduled stand-in takes requests late, in a bunch, and that would count as network delay. So it runs at
 * a higher priority where the system allows it.
 */
export async function spawnStandIn(model: ModelName): Promise<StandInProcess> {
  const { child, url } = await start(STAND_IN, [model], 'stand-in');
  try {
    setPriority(child.pid!, -10);
  } catch {
    console.warn('at-limit: the stand-in runs at normal priority (not allowed to raise it)');
  }
  return {
    url,
    arrivals: () =>
      new Promise((resolve) => {
        child.once('message', (message: { arrivals: Arrival[] }) => resolve(message.arrivals));
        child.send({ type: 'arrivals' });
      }),
    async stop() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

export async function spawnReplica(options: ReplicaOptions): Promise<ReplicaProcess> {
  const { child, url } = await start(REPLICA, [JSON.stringify(options)], 'replica');
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
