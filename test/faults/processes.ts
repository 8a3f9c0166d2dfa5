/**
 * The fault suite's processes: a misbehaving upstream (upstream-process.ts), the compiled emulator playing Tencent
 * strictly, and the compiled service (`npm start`'s `node dist/main.js`) in production mode, each a child process.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { apiKeyDigest } from '../../src/plugins/auth/api-keys.js';
import { compiled } from '../support/build.js';
import { TEST_CREDENTIALS } from '../support/emulator.js';
import { useStarted } from '../support/lifecycle.js';
import { type ServiceProcess, spawnService } from '../support/process.js';
import { PRODUCTION_API_KEY } from '../support/service.js';

export type UpstreamBehaviour =
  | { kind: 'answer' }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'garbage'; status: number; contentType: string; body: string };

export type UpstreamMessage = { type: 'behave'; behaviour: UpstreamBehaviour } | { type: 'arrivals' };

export interface UpstreamArrival {
  /** Wall-clock ms (the same machine's clock as the test's and the service's). */
  at: number;
  qrCodeId: string | undefined;
}

export interface UpstreamProcess {
  url: string;
  behave(behaviour: UpstreamBehaviour): Promise<void>;
  arrivals(): Promise<UpstreamArrival[]>;
  /** Resolves once `count` requests have arrived in all. */
  arrived(count: number): Promise<void>;
  stop(): Promise<void>;
}

/** Waits for the child's next message of `type`. */
function reply<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the stand-in upstream exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const UPSTREAM = fileURLToPath(new URL('./upstream-process.ts', import.meta.url));

export async function spawnUpstream(behaviour: UpstreamBehaviour): Promise<UpstreamProcess> {
  const child = fork(UPSTREAM, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await reply<{ url: string }>(child, 'ready');
  let arrivedCount = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  child.on('message', (message: { type: string; count?: number }) => {
    if (message.type !== 'arrived') return;
    arrivedCount = message.count!;
    for (const waiter of waiters.filter((w) => arrivedCount >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const upstream: UpstreamProcess = {
    url,
    async behave(next) {
      const behaving = reply(child, 'behaving');
      child.send({ type: 'behave', behaviour: next } satisfies UpstreamMessage);
      await behaving;
    },
    async arrivals() {
      const answer = reply<{ arrivals: UpstreamArrival[] }>(child, 'arrivals');
      child.send({ type: 'arrivals' } satisfies UpstreamMessage);
      return (await answer).arrivals;
    },
    arrived(count) {
      if (arrivedCount >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
  await upstream.behave(behaviour);
  return upstream;
}

export interface EmulatorCall {
  action: string;
  code: string | null;
  at: number;
}

export interface EmulatorProcess {
  url: string;
  calls(): Promise<EmulatorCall[]>;
  stop(): Promise<void>;
}

/** `npm run emulator` (compiled), enforcing Tencent's 20 calls per any 1,000 ms per action. */
export async function spawnEmulator(): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [compiled('emulator/main.js')], {
    env: {
      PATH: process.env.PATH,
      EMULATOR_PORT: '0',
      EMULATOR_RATE_LIMIT_PER_SECOND: '20',
      TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // It plays Tencent, whose servers our load does not stall: descheduled behind the suite's other processes, it
  // would take requests late and in a bunch, which the limit would count as the layer's doing (as in the bench).
  try {
    setPriority(child.pid!, -10);
  } catch {}
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}:\n${output}`)));
  });
  return {
    url,
    calls: async () => (await (await fetch(`${url}/_emulator/calls`)).json()) as EmulatorCall[],
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The key callers send: production requires caller authentication. */
export const CALLER_HEADERS = { 'x-api-key': PRODUCTION_API_KEY };

/** The compiled service in production mode (JSON log lines, which the suite reads) in front of `upstreamUrl`. */
export function spawnLayer(upstreamUrl: string, env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const apiKeys = [{ name: 'fault-suite', sha256: apiKeyDigest(PRODUCTION_API_KEY), unrestricted: true }];
  return spawnService({ url: upstreamUrl }, { NODE_ENV: 'production', AUTH_API_KEYS: JSON.stringify(apiKeys), ...env });
}

/**
 * An upstream answering at first and the layer in front of it, for the enclosing `describe`: started (then
 * `warmUp(layer)`) before its tests and stopped after them.
 */
export function useLayerAgainstUpstream(
  env: NodeJS.ProcessEnv,
  warmUp: (layer: ServiceProcess) => Promise<unknown>,
): () => { upstream: UpstreamProcess; layer: ServiceProcess } {
  return useStarted(
    'upstream and layer',
    async () => {
      const upstream = await spawnUpstream({ kind: 'answer' });
      const layer = await spawnLayer(upstream.url, env);
      await warmUp(layer);
      return { upstream, layer };
    },
    async ({ upstream, layer }) => {
      await layer.stop();
      await upstream.stop();
    },
  );
}

export interface LogLine {
  time: number;
  msg: string;
  [field: string]: unknown;
}

/** The service's JSON log lines so far. */
export function logLines(service: ServiceProcess): LogLine[] {
  return service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Resolves with the first log line `matches` accepts, as soon as the service prints it. */
export function untilLogLine(
  service: ServiceProcess,
  matches: (line: LogLine) => boolean,
  timeoutMs = 15_000,
): Promise<LogLine> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = logLines(service).find(matches);
      if (!line) return;
      finish();
      resolve(line);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no such log line within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      service.child.stdout.off('data', check);
    };
    service.child.stdout.on('data', check);
    check();
  });
}

/** The service's `GET /ready` body. */
export async function readiness(
  service: ServiceProcess,
): Promise<{ budget: string; breakers: Record<string, string> }> {
  return (await fetch(new URL('/ready', service.url))).json() as Promise<{
    budget: string;
    breakers: Record<string, string>;
  }>;
}

/** The longest `graphql operation` the services logged at or after `since` (ms from taking a request to its answer). */
export function longestOperationMs(services: readonly ServiceProcess[], since: number): number {
  const lines = services.flatMap((service) => logLines(service));
  const operations = lines.filter((line) => line.msg === 'graphql operation' && line.time >= since);
  return Math.round(Math.max(...operations.map((line) => line.latencyMs as number)));
}
