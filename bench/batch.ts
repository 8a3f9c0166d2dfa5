/**
 * One batch at the limit: `channelCancelMultiFlowSignQRCodes` with `--ids` QR code ids (100 by default) through the
 * compiled layer, against the emulator enforcing Tencent's limit strictly (20 calls of an action in any 1,000 ms).
 * Prints how long the batch took, what its items came to, and the emulator's RequestLimitExceeded refusals.
 * The layer's wait is set so that the whole batch fits its budget (`maxBatchItems` ≥ `--ids`).
 *
 *   npm run bench -- --batch [--ids 100] [--guard 25] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { DEMO } from '../src/emulator/seed.js';
import { startEmulator } from '../src/emulator/server.js';
import { TENCENT_WINDOW_MS } from '../src/tencent/caller/chain.js';
import { BENCH_API_KEY, spawnLayer } from './layer-process.js';
import { CREDENTIALS } from './workload.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--batch'),
  options: {
    ids: { type: 'string', default: '100' },
    guard: { type: 'string', default: '25' },
    runs: { type: 'string', default: '3' },
  },
});
const ids = Number(args.ids);
const guardMs = Number(args.guard);
const runs = Number(args.runs);
if (![ids, runs].every((n) => Number.isInteger(n) && n > 0) || !(guardMs >= 0)) {
  throw new Error('--ids and --runs must be whole numbers above 0, --guard 0 or more');
}

const LIMIT = 20;
// The last of `ids` starts (ids - 1) spacings after the first: the wait that lets the whole batch start in time.
const maxWaitMs = Math.ceil(((ids - 1) * (TENCENT_WINDOW_MS + guardMs)) / LIMIT) + 50;
const QUERY = `mutation Bench($input: ChannelCancelMultiFlowSignQRCodesInput!) {
  result: channelCancelMultiFlowSignQRCodes(input: $input) {
    __typename
    ... on ChannelCancelMultiFlowSignQRCodesSuccess { results { __typename } }
  }
}`;
const agent = {
  appId: DEMO.appId,
  proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  proxyOperator: { openId: DEMO.proxyOperatorOpenId },
};

const emulator = await startEmulator({ credentials: CREDENTIALS, rateLimitPerSecond: LIMIT });
const layer = await spawnLayer(emulator.url, {
  TENCENT_RATE_LIMIT_PER_SECOND: String(LIMIT),
  TENCENT_RATE_LIMIT_MAX_WAIT_MS: String(maxWaitMs),
  TENCENT_RATE_LIMIT_GUARD_MS: String(guardMs),
  TENCENT_TIMEOUT_MS: String(maxWaitMs + 5_000),
});
console.log(`batch of ${ids} ids, emulator limit ${LIMIT} in any 1,000 ms, guard ${guardMs} ms, wait ${maxWaitMs} ms`);
try {
  for (let run = 1; run <= runs; run++) {
    const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };
    const qrCodeIds = Array.from({ length: ids }, () => emulator.state.createQrCode(owner, 7).id);
    const before = emulator.calls.length;
    const startedAt = performance.now();
    const res = await fetch(layer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': BENCH_API_KEY },
      body: JSON.stringify({ query: QUERY, variables: { input: { agent, qrCodeIds } } }),
    });
    const body = (await res.json()) as {
      data?: { result: { __typename: string; results?: { __typename: string }[] } };
    };
    const seconds = (performance.now() - startedAt) / 1000;
    const result = body.data?.result;
    const counts: Record<string, number> = {};
    for (const item of result?.results ?? [result ?? { __typename: 'errors' }]) {
      counts[item.__typename] = (counts[item.__typename] ?? 0) + 1;
    }
    const sent = emulator.calls.slice(before);
    const limited = sent.filter((call) => call.code?.startsWith('RequestLimitExceeded')).length;
    console.log(
      `  run ${run}: ${seconds.toFixed(2)} s, ${sent.length} calls sent, upstream RequestLimitExceeded ${limited}, items ${JSON.stringify(counts)}`,
    );
    // The next run starts with an idle window.
    await new Promise((resolve) => setTimeout(resolve, TENCENT_WINDOW_MS + guardMs));
  }
} finally {
  await layer.stop();
  await emulator.close();
}
