/**
 * `npm run bench -- --soak`: the layer at a fixed rate for a while (60 s by
 * default) with its limiter, idempotency records and logs on, sampling its
 * RSS each second; after the warm-up, RSS must stay within a small bound.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { runLoad } from './load.js';
import { spawnLayer } from './layer-process.js';
import { type BenchProcess, spawnUpstream } from './processes.js';
import { median } from './report.js';

export interface SoakOptions {
  /** Requests per second sent. */
  rate: number;
  /** The layer's `TENCENT_RATE_LIMIT_PER_SECOND`. */
  rateLimit: number;
  durationSeconds: number;
  /** Growth of RSS allowed past the warm-up. */
  boundMegabytes: number;
  json: string | undefined;
}

/** Idempotency records live this long in the soak, so the store reaches its steady size within the warm-up. */
const RECORD_TTL_SECONDS = 10;

interface Sample {
  second: number;
  rssMegabytes: number;
}

const megabytes = (bytes: number) => bytes / 1024 / 1024;

/** Whether the layer answers a repeated `Idempotency-Key` from its records (it does once idempotency is wired in). */
async function idempotencyIsOn(layer: BenchProcess): Promise<boolean> {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...layer.workload.headers,
    'idempotency-key': randomUUID(),
  };
  const send = () => fetch(layer.url, { method: 'POST', headers, body: layer.workload.body }).then((r) => r.json());
  await send();
  const second = (await send()) as { extensions?: { idempotentReplay?: boolean } };
  return second.extensions?.idempotentReplay === true;
}

async function sampleEverySecond(layer: BenchProcess, samples: Sample[], until: Promise<unknown>): Promise<void> {
  const started = Date.now();
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const second = Math.round((Date.now() - started) / 1000);
    samples.push({ second, rssMegabytes: megabytes((await layer.usage()).rssBytes) });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function runSoak(options: SoakOptions): Promise<boolean> {
  const warmupSeconds = Math.min(20, Math.round(options.durationSeconds / 4));
  const upstream = await spawnUpstream();
  const layer = await spawnLayer(upstream.url, {
    TENCENT_RATE_LIMIT_PER_SECOND: String(options.rateLimit),
    IDEMPOTENCY_TTL_SECONDS: String(RECORD_TTL_SECONDS),
  });
  try {
    // A soak that did not exercise the idempotency store would not measure what it says.
    const idempotency = await idempotencyIsOn(layer);
    if (!idempotency) throw new Error('the layer did not replay a repeated Idempotency-Key');
    console.log(
      `Soak: ${options.rate} req/s for ${options.durationSeconds} s, limiter at ${options.rateLimit}/s, idempotency records on (kept ${RECORD_TTL_SECONDS} s), logs on; warm-up ${warmupSeconds} s`,
    );
    const samples: Sample[] = [];
    const load = runLoad(layer.url, layer.workload, {
      connections: 32,
      durationSeconds: options.durationSeconds,
      overallRate: options.rate,
      headersFor: () => ({ 'idempotency-key': randomUUID() }),
    });
    await sampleEverySecond(layer, samples, load);
    const result = await load;

    const afterWarmup = samples.filter((s) => s.second >= warmupSeconds);
    const growthOf = (values: number[]) => median(values.slice(-5)) - median(values.slice(0, 5));
    const rssGrowth = growthOf(afterWarmup.map((s) => s.rssMegabytes));
    const flat = rssGrowth <= options.boundMegabytes && result.failures === 0;

    for (const sample of samples.filter((s) => s.second % 5 === 0)) {
      console.log(`  ${String(sample.second).padStart(4)} s  RSS ${sample.rssMegabytes.toFixed(1)} MB`);
    }
    console.log(
      `${result.requests} requests (${result.requestsPerSecond.toFixed(0)}/s, p99 ${result.p99Ms} ms, ${result.failures} failed).`,
    );
    console.log(
      `Past the warm-up: RSS grew ${rssGrowth.toFixed(1)} MB (bound ${options.boundMegabytes} MB): ${flat ? 'flat' : 'NOT flat'}`,
    );
    if (options.json) {
      writeFileSync(
        options.json,
        `${JSON.stringify({ options, idempotency, warmupSeconds, samples, result, rssGrowth, flat }, null, 2)}\n`,
      );
      console.log(`Written to ${options.json}`);
    }
    return flat;
  } finally {
    await Promise.all([layer.stop(), upstream.stop()]);
  }
}
