/**
 * `npm run bench`: the layer against what users would otherwise write (a
 * yoga server calling Tencent's official SDK) and against the limit (a raw
 * signed call with no GraphQL), all three in front of the same fast fake
 * upstream, under the same load, in alternating rounds. `--soak` runs the
 * memory soak instead (see soak.ts).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runLoad } from './load.js';
import { type Measurement, measure } from './measure.js';
import { type BenchProcess, spawnContender, spawnUpstream } from './processes.js';
import { type ContenderFigures, figuresOf, formatTable, meetsTarget, ratios, TARGET } from './report.js';
import { runSoak } from './soak.js';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'string' },
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

const CONTENDERS = [
  { name: 'layer', label: 'layer (this project)' },
  { name: 'baseline', label: 'baseline (yoga + official SDK)' },
  { name: 'raw', label: 'limit (raw signed call, no GraphQL)' },
] as const;

async function check(contender: BenchProcess): Promise<void> {
  const res = await fetch(contender.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
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

async function report(
  running: BenchProcess[],
  results: Map<string, Measurement[]>,
  settings: Settings,
): Promise<number> {
  const figures: ContenderFigures[] = [];
  for (const contender of running) {
    const { label } = CONTENDERS.find((c) => c.name === contender.name)!;
    const { peakRssBytes } = await contender.usage();
    figures.push(figuresOf(contender.name, label, results.get(contender.name)!, peakRssBytes));
  }
  const figuresOfName = (name: (typeof CONTENDERS)[number]['name']) => figures.find((f) => f.name === name)!;
  const [layer, baseline, raw] = [figuresOfName('layer'), figuresOfName('baseline'), figuresOfName('raw')];
  const layerOverBaseline = ratios(layer, baseline);
  const layerOverLimit = ratios(layer, raw);
  const comparisons = [
    { label: 'layer / baseline', ratios: layerOverBaseline },
    { label: 'layer / limit', ratios: layerOverLimit },
  ];
  const failures = figures.flatMap((f) => f.rounds).reduce((sum, r) => sum + r.failures, 0);
  const met = meetsTarget(layerOverBaseline);
  console.log(`\nMedians of ${settings.rounds} rounds:\n\n${formatTable(figures, comparisons)}\n`);
  console.log(
    `Target (req/s ≥ ${TARGET.throughputAtLeast}× baseline, p99 ≤ ${TARGET.p99AtMost}× baseline): ${met ? 'met' : 'NOT met'}`,
  );
  if (failures > 0)
    console.log(`${failures} requests failed or answered an unexpected body: the figures are not valid.`);
  if (args.json) {
    const machine = { cpus: cpus().length, node: process.version };
    const ratiosOf = { layerOverBaseline, layerOverLimit };
    const document = { settings, machine, contenders: figures, ratios: ratiosOf, target: { ...TARGET, met }, failures };
    writeFileSync(args.json, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`Written to ${args.json}`);
  }
  return failures;
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
    for (const { name } of CONTENDERS) {
      const nodeFlags = args.profile && name === 'layer' ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
      running.push(await spawnContender(name, { upstreamUrl: upstream.url, nodeFlags }));
    }
    for (const contender of running) await check(contender);
    console.log(
      `${settings.connections} connections, ${settings.warmupSeconds} s warm-up each, then ${settings.rounds} alternating rounds of ${settings.durationSeconds} s; ${cpus().length} CPUs, Node ${process.version}`,
    );
    const results = await measureInRounds(running, settings);
    const failures = await report(running, results, settings);
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
