/** Starts the fake upstream and each contender in a child process and talks to it. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Workload } from './workload.js';

export type ChildMessage =
  | { type: 'ready'; url: string; workload: Workload | undefined }
  | { type: 'failed'; message: string }
  | ({ type: 'usage' } & Usage);

export type ParentMessage = { type: 'usage' } | { type: 'stop' };

export interface Usage {
  rssBytes: number;
  /** The most resident memory the process has had since it started. */
  peakRssBytes: number;
  /** CPU time (user and system) the process has used since it started. */
  cpuMicros: number;
}

/** A child process running the fake upstream or a contender. */
export interface ChildServer {
  name: string;
  url: string;
  usage(): Promise<Usage>;
  stop(): Promise<void>;
}

/** A contender, with the request it is to be sent and the reply expected. */
export interface BenchProcess extends ChildServer {
  workload: Workload;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'failed') finish(() => reject(new Error(message.message)));
      else if (message.type === type) finish(() => resolve(message as Extract<ChildMessage, { type: T }>));
    };
    const onExit = (code: number | null) => finish(() => reject(new Error(`exited with code ${code} before ${type}`)));
    const finish = (settle: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export interface SpawnOptions {
  upstreamUrl?: string;
}

/** The child's server, and the workload it reports (a contender does, the upstream does not). */
async function spawnChild(
  name: string,
  options: SpawnOptions,
): Promise<{ server: ChildServer; workload: Workload | undefined }> {
  const child = fork(CHILD, [name, options.upstreamUrl ?? ''], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let ready: Extract<ChildMessage, { type: 'ready' }>;
  try {
    ready = await nextMessage(child, 'ready');
  } catch (error) {
    child.kill();
    throw new Error(`${name} did not start: ${(error as Error).message}`);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: ChildServer = {
    name,
    url: ready.url,
    async usage() {
      const reply = nextMessage(child, 'usage');
      child.send({ type: 'usage' } satisfies ParentMessage);
      const { rssBytes, peakRssBytes, cpuMicros } = await reply;
      return { rssBytes, peakRssBytes, cpuMicros };
    },
    async stop() {
      child.send({ type: 'stop' } satisfies ParentMessage);
      await exited;
    },
  };
  return { server, workload: ready.workload };
}

export async function spawnUpstream(): Promise<ChildServer> {
  return (await spawnChild('upstream', {})).server;
}

export async function spawnContender(name: string, options: SpawnOptions = {}): Promise<BenchProcess> {
  const { server, workload } = await spawnChild(name, options);
  if (workload) return { ...server, workload };
  await server.stop();
  throw new Error(`${name} did not say what to send it`);
}
