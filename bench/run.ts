/**
 * `npm run bench`: what a user of the layer feels. The layer (compiled, as `npm start` runs it) against what
 * users would otherwise write (a yoga server calling Tencent's official SDK) and against the limit (a raw signed
 * call with no GraphQL), all in front of the same fast fake upstream: closed-loop throughput in alternating
 * rounds, the latency the layer adds over the raw call at an open-loop 50 requests/s, start to ready, idle and
 * peak RSS. `--soak` runs the memory soak instead (see soak.ts).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad } from './load.js';
import { type Measurement, measure } from './measure.js';
import { type LayerProcess, spawnLayer } from './layer-process.js';
import { runOpenLoop } from './open-loop.js';
import { type BenchProcess, type ChildServer, spawnContender, spawnUpstream } from './processes.js';
import { type ContenderFigures, figuresOf, formatTable, formatVerdicts, median, ratios, verdicts } from './report.js';
import { runSoak } from './soak.js';

// `--batch` and `--at-limit` are benchmarks of their own, with their own options (bench/batch.ts, bench/at-limit.ts).
if (process.argv.includes('--batch')) {
  await import('./batch.js');
  process.exit(process.exitCode ?? 0);
}
if (process.argv.includes('--at-limit')) {
  await import('./at-limit.js');
  process.exit(process.exitCode ?? 0);
}

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'string' },
    'open-loop-rate': { type: 'string', default: '50' },
    'open-loop-seconds': { type: 'string', default: '20' },
    starts: { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    'soak-seconds': { type: 'string', default: '60' },
    rate: { type: 'string', default: '200' },
    'rate-limit': { type: 'string', default: '1000' },
    'bound-mb': { type: 'string', default: '16' },
  },
});

function positive(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new Error(`--${name} must be a whole number above 0, not ${value}`);
  return number;
}

/** The closed-loop contenders; the layer runs as its own compiled process, the others in bench/child.ts. */
const CONTENDERS = [
  { name: 'layer', label: 'layer (this project)' },
  { name: 'baseline', label: 'baseline (yoga + official SDK)' },
  { name: 'raw', label: 'limit (raw signed call, no GraphQL)' },
] as const;

async function check(contender: BenchProcess): Promise<void> {
  const res = await fetch(contender.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...contender.workload.headers },
    body: contender.workload.body,
  });
  const body = await res.text();
  if (body !== contender.workload.expectBody) throw new Error(`${contender.name} answered ${res.status} ${body}`);
}

interface Settings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
}

function describeRound(round: number, name: string, result: Measurement): string {
  const failed = result.failures ? `  ${result.failures} FAILED` : '';
  return `  round ${round} ${name.padEnd(8)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  CPU ${result.cpuMsPerRequest.toFixed(3)} ms/req${failed}`;
}

/** Warms every contender up, then measures them in rounds whose order alternates. */
async function measureInRounds(running: BenchProcess[], settings: Settings): Promise<Map<string, Measurement[]>> {
  const load = { connections: settings.connections, durationSeconds: settings.durationSeconds };
  for (const contender of running) {
    await runLoad(contender.url, contender.workload, { ...load, durationSeconds: settings.warmupSeconds });
  }
  const results = new Map<string, Measurement[]>(running.map((c) => [c.name, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    // Alternating the order spreads drifts in the machine's load evenly over the contenders.
    const order = round % 2 === 1 ? running : [...running].reverse();
    for (const contender of order) {
      const result = await measure(contender, load);
      results.get(contender.name)!.push(result);
      console.log(describeRound(round, contender.name, result));
    }
  }
  return results;
}

async function throughputFigures(
  running: BenchProcess[],
  results: Map<string, Measurement[]>,
): Promise<ContenderFigures[]> {
  const figures: ContenderFigures[] = [];
  for (const contender of running) {
    const { label } = CONTENDERS.find((c) => c.name === contender.name)!;
    const { peakRssBytes } = await contender.usage();
    figures.push(figuresOf(contender.name, label, results.get(contender.name)!, peakRssBytes));
  }
  return figures;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** How long a started layer idles before its idle RSS is read: V8's memory reducer gives back start-up's heap first. */
const IDLE_SETTLE_MS = 30_000;

/**
 * Starts the layer `times` times, one after another: the median time to a ready `/ready`, the median RSS 3 s after
 * it (just started), and the median RSS once each has idled `IDLE_SETTLE_MS` (idle). The started ones idle while
 * the next starts, so the settling costs the run one wait, not one per start.
 */
async function measureStarts(
  upstream: ChildServer,
  times: number,
): Promise<{ startToReadyMs: number; startedRssBytes: number; idleRssBytes: number }> {
  const layers: { layer: LayerProcess; readyAt: number }[] = [];
  const started: number[] = [];
  try {
    for (let i = 0; i < times; i++) {
      const layer = await spawnLayer(upstream.url);
      layers.push({ layer, readyAt: performance.now() });
      await sleep(3_000);
      started.push((await layer.usage()).rssBytes);
    }
    await sleep(Math.max(0, layers.at(-1)!.readyAt + IDLE_SETTLE_MS - performance.now()));
    const idle = await Promise.all(layers.map(async ({ layer }) => (await layer.usage()).rssBytes));
    const starts = layers.map(({ layer }) => layer.startToReadyMs);
    console.log(`  start to ready: ${starts.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    console.log(`  RSS 3 s after ready: ${started.map(megabytes).join(', ')}`);
    console.log(`  idle RSS after ${IDLE_SETTLE_MS / 1000} s: ${idle.map(megabytes).join(', ')}`);
    return { startToReadyMs: median(starts), startedRssBytes: median(started), idleRssBytes: median(idle) };
  } finally {
    await Promise.all(layers.map(({ layer }) => layer.stop()));
  }
}

/** The latency each of the layer and the limit gives at an open-loop rate, alternating twice. */
async function measureOpenLoop(
  layer: BenchProcess,
  raw: BenchProcess,
): Promise<{ addedP50Ms: number; addedP99Ms: number; failures: number }> {
  const options = {
    rate: positive('open-loop-rate', args['open-loop-rate']),
    durationSeconds: positive('open-loop-seconds', args['open-loop-seconds']),
  };
  const p50: Record<string, number[]> = { layer: [], raw: [] };
  const p99: Record<string, number[]> = { layer: [], raw: [] };
  let failures = 0;
  for (const contender of [layer, raw, raw, layer]) {
    const result = await runOpenLoop(contender.url, contender.workload, options);
    failures += result.failures;
    p50[contender.name]!.push(result.p50Ms);
    p99[contender.name]!.push(result.p99Ms);
    console.log(
      `  open loop ${options.rate}/s ${contender.name.padEnd(6)} p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${result.failures ? `  ${result.failures} FAILED` : ''}`,
    );
  }
  const addedP50Ms = median(p50.layer!) - median(p50.raw!);
  const addedP99Ms = median(p99.layer!) - median(p99.raw!);
  return { addedP50Ms, addedP99Ms, failures };
}

async function bench(): Promise<void> {
  const settings: Settings = {
    connections: positive('connections', args.connections),
    durationSeconds: positive('duration', args.duration),
    warmupSeconds: positive('warmup', args.warmup),
    rounds: positive('rounds', args.rounds),
  };
  const upstream = await spawnUpstream();
  const running: BenchProcess[] = [];
  try {
    console.log(`${cpus().length} CPUs, Node ${process.version}`);
    const starts = await measureStarts(upstream, positive('starts', args.starts));
    // The benchmark measures the layer, not Tencent's budget: its limiter is off.
    const layerEnv = { TENCENT_RATE_LIMIT_PER_SECOND: '0' };
    const nodeFlags = args.profile ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
    const layer: LayerProcess = await spawnLayer(upstream.url, layerEnv, nodeFlags);
    running.push(layer);
    for (const name of ['baseline', 'raw'] as const)
      running.push(await spawnContender(name, { upstreamUrl: upstream.url }));
    for (const contender of running) await check(contender);
    console.log(
      `Closed loop: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up each, then ${settings.rounds} alternating rounds of ${settings.durationSeconds} s`,
    );
    const results = await measureInRounds(running, settings);
    const figures = await throughputFigures(running, results);
    const byName = (name: string) => figures.find((f) => f.name === name)!;
    const comparisons = [
      { label: 'layer / baseline', ratios: ratios(byName('layer'), byName('baseline')) },
      { label: 'layer / limit', ratios: ratios(byName('layer'), byName('raw')) },
    ];
    console.log(`\nMedians of ${settings.rounds} rounds:\n\n${formatTable(figures, comparisons)}\n`);
    const open = await measureOpenLoop(layer, running.find((c) => c.name === 'raw')!);
    const felt = verdicts({
      throughputOverBaseline: comparisons[0]!.ratios.requestsPerSecond,
      addedP50Ms: open.addedP50Ms,
      addedP99Ms: open.addedP99Ms,
      startToReadyMs: starts.startToReadyMs,
      idleRssBytes: starts.idleRssBytes,
      peakRssBytes: byName('layer').peakRssBytes,
    });
    console.log(`\n${formatVerdicts(felt)}\n`);
    const failures = figures.flatMap((f) => f.rounds).reduce((sum, r) => sum + r.failures, 0) + open.failures;
    if (failures > 0)
      console.log(`${failures} requests failed or answered an unexpected body: the figures are not valid.`);
    if (args.json) {
      const machine = { cpus: cpus().length, node: process.version };
      const document = {
        settings,
        machine,
        contenders: figures,
        comparisons,
        starts,
        openLoop: open,
        verdicts: felt,
        failures,
      };
      writeFileSync(args.json, `${JSON.stringify(document, null, 2)}\n`);
      console.log(`Written to ${args.json}`);
    }
    process.exitCode = failures > 0 ? 1 : 0;
  } finally {
    await Promise.all([...running, upstream].map((p) => p.stop()));
  }
}

if (args.soak) {
  const flat = await runSoak({
    rate: positive('rate', args.rate),
    rateLimit: positive('rate-limit', args['rate-limit']),
    durationSeconds: positive('soak-seconds', args['soak-seconds']),
    boundMegabytes: positive('bound-mb', args['bound-mb']),
    json: args.json,
  });
  process.exitCode = flat ? 0 : 1;
} else {
  await bench();
}
