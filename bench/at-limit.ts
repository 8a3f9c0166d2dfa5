/**
 * At the limit: a burst of 200 cancels, then 60 a second for 20 s, through one
 * replica and through two sharing a real redis-server, against a stand-in for
 * Tencent under each model of its limit (bench/at-limit/models.ts). Prints, per
 * model: the stand-in's RequestLimitExceeded refusals, accepted calls per
 * second, the busiest sliding second, and what the callers got.
 *
 * Through the whole layer by default (compiled, as `npm start` runs it, GraphQL callers); `--through chain` runs
 * the caller chain alone behind a bare endpoint (bench/at-limit/replica.ts), which also reports when each request
 * was written, for measuring network delay against the guard.
 *
 *   npm run bench -- --at-limit [--through layer|chain] [--models sliding,token-bucket,offset-300,offset-700]
 *     [--replicas 1,2] [--guard 25 | --guard 0,10,25,50] [--burst 200] [--rate 60] [--seconds 20] [--json FILE]
 *     [--no-warmup]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_GUARD_MS } from '../src/tencent/caller/chain.js';
import { type CallTarget, chainTarget, connectionsFor, drive, layerTarget } from './at-limit/load.js';
import { MODEL_NAMES, type ModelName } from './at-limit/models.js';
import { startRedisServer } from './at-limit/redis-server.js';
import { spawnReplica, spawnStandIn } from './at-limit/processes.js';
import { BENCH_API_KEY, spawnLayer } from './layer-process.js';
import { INPUT } from './workload.js';
import { formatSummaries, type RunSummary, summarize } from './at-limit/report.js';

const { values: args } = parseArgs({
  // Run as `npm run bench -- --at-limit …` or on its own.
  args: process.argv.slice(2).filter((arg) => arg !== '--at-limit'),
  options: {
    models: { type: 'string', default: MODEL_NAMES.join(',') },
    replicas: { type: 'string', default: '1,2' },
    guard: { type: 'string', default: String(DEFAULT_GUARD_MS) },
    burst: { type: 'string', default: '200' },
    rate: { type: 'string', default: '60' },
    seconds: { type: 'string', default: '20' },
    'max-wait': { type: 'string', default: '5000' },
    timeout: { type: 'string', default: '10000' },
    json: { type: 'string' },
    'no-warmup': { type: 'boolean', default: false },
    through: { type: 'string', default: 'layer' },
  },
});

const list = (value: string) => value.split(',').map((item) => item.trim());
const numbers = (value: string) => list(value).map(Number);
const models = list(args.models) as ModelName[];
for (const model of models) {
  if (!MODEL_NAMES.includes(model)) throw new Error(`--models: unknown ${model}; one of ${MODEL_NAMES.join(', ')}`);
}
const plan = { burst: Number(args.burst), rate: Number(args.rate), seconds: Number(args.seconds) };

if (args.through !== 'layer' && args.through !== 'chain') throw new Error('--through: layer or chain');

/** A replica ready to take load: its budget local, or shared through Redis. */
async function waitShared(modeOf: () => Promise<string>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const mode = await modeOf();
    if (mode === 'shared' || mode === 'local') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('replica never reached Redis');
}

interface Replica {
  target: CallTarget;
  stop(): Promise<void>;
}

type ReplicaSettings = Parameters<typeof spawnReplica>[0];

/** One replica as `--through` says: the whole layer, or the caller chain behind a bare endpoint. */
async function startReplica(options: ReplicaSettings): Promise<Replica> {
  const connections = connectionsFor(plan);
  if (args.through === 'chain') {
    const replica = await spawnReplica(options);
    await waitShared(async () => ((await (await fetch(replica.url)).json()) as { mode: string }).mode);
    const target = chainTarget(replica.url, connections);
    return { target, stop: async () => void (await Promise.all([target.close(), replica.stop()])) };
  }
  const layer = await spawnLayer(options.standInUrl, {
    TENCENT_RATE_LIMIT_PER_SECOND: String(options.limit),
    TENCENT_RATE_LIMIT_GUARD_MS: String(options.guardMs),
    TENCENT_RATE_LIMIT_MAX_WAIT_MS: String(options.maxWaitMs),
    TENCENT_TIMEOUT_MS: String(options.timeoutMs),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
  });
  await waitShared(
    async () => ((await (await fetch(new URL('/ready', layer.url))).json()) as { budget: string }).budget,
  );
  const target = layerTarget(layer.url, connections, { 'x-api-key': BENCH_API_KEY }, (id) => ({
    ...INPUT,
    qrCodeId: id,
  }));
  return { target, stop: async () => void (await Promise.all([target.close(), layer.stop()])) };
}

async function run(model: ModelName, replicas: number, guardMs: number): Promise<RunSummary> {
  const standIn = await spawnStandIn(model);
  const redis = replicas > 1 ? await startRedisServer() : undefined;
  const options = {
    standInUrl: standIn.url,
    redisUrl: redis?.url,
    limit: 20,
    guardMs,
    maxWaitMs: Number(args['max-wait']),
    timeoutMs: Number(args.timeout),
  };
  const running = await Promise.all(Array.from({ length: replicas }, () => startReplica(options)));
  const targets = running.map((replica) => replica.target);
  try {
    if (!args['no-warmup']) {
      // Tencent is a warm server: warm the stand-in, the replicas and their connections, then let the window empty.
      await drive(targets, { burst: 10, rate: 10, seconds: 1 }, `warmup${model}${replicas}g${guardMs}`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    const startedAt = Date.now();
    const results = await drive(targets, plan, `${model}${replicas}g${guardMs}`);
    const arrivals = (await standIn.arrivals()).filter((arrival) => arrival.at >= startedAt);
    return summarize({ model, replicas, guardMs, seconds: plan.seconds, startedAt }, arrivals, results);
  } finally {
    await Promise.all(running.map((replica) => replica.stop()));
    await redis?.stop();
    await standIn.stop();
  }
}

const summaries: RunSummary[] = [];
for (const guardMs of numbers(args.guard)) {
  for (const replicas of numbers(args.replicas)) {
    for (const model of models) {
      const summary = await run(model, replicas, guardMs);
      summaries.push(summary);
      console.log(formatSummaries([summary]).split('\n')[1]);
    }
  }
}
console.log(`\n${formatSummaries(summaries)}`);
const met = summaries.every((s) => s.refusals === 0 && s.busiestSlidingSecond <= 20 && s.successesPerSecond >= 19);
console.log(
  `\nTarget (no RequestLimitExceeded, busiest sliding second ≤ 20, ≥ 19 successes/s): ${met ? 'met' : 'NOT met'}`,
);
if (args.json) writeFileSync(args.json, JSON.stringify(summaries, null, 2));
