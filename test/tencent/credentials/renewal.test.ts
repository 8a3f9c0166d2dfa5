/**
 * End to end: the whole service signs with temporary credentials (a role assumed through STS, or the CVM instance
 * role) while a steady load of GraphQL calls runs, and the credentials expire and are renewed several times over,
 * with no call failing. One clock, moved by the test, is shared by the service's signing and the emulator's judgement
 * of expiry; it is moved only when every call that saw the previous step has finished, so no call lives through more
 * than one step, and a step is shorter than the margin the credentials keep before their expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { type Emulator, startEmulator } from '../../../src/emulator/server.js';
import { type RunningService, startService } from '../../../src/server/service.js';
import { EXPIRY_MARGIN_MS } from '../../../src/tencent/credentials/refreshing.js';
import { ManualClock } from '../../support/clock.js';
import { capturedLog } from '../../support/captured-log.js';
import { ROLE_ARN } from '../../support/credentials.js';
import { TEST_CREDENTIALS } from '../../support/emulator.js';
import { type FakeMetadata, startMetadata } from '../../support/metadata.js';
import { sample } from '../../support/prometheus.js';
import { cancelQrCode, EMPTY_HOME, seedQrCode } from '../../support/service.js';

const LIFETIME_S = 300;
/** Half the margin: a call signed just outside the margin is still well inside the lifetime one step later. */
const STEP_MS = EXPIRY_MARGIN_MS / 2;
const STEPS = (4 * LIFETIME_S * 1000) / STEP_MS;
const CONCURRENCY = 4;

const clock = new ManualClock();
let emulator: Emulator;
let metadata: FakeMetadata;
beforeAll(async () => {
  emulator = await startEmulator({ credentials: TEST_CREDENTIALS, rateLimitPerSecond: 0, now: clock.now });
  metadata = await startMetadata(emulator, { lifetimeSeconds: LIFETIME_S });
});
afterAll(async () => {
  await metadata.close();
  await emulator.close();
});

const base = () => ({
  PORT: '0',
  TENCENT_ESS_ENDPOINT: emulator.url,
  TENCENT_ESSBASIC_ENDPOINT: emulator.url,
  TENCENT_RATE_LIMIT_PER_SECOND: '0',
  TENCENT_TIMEOUT_MS: '5000',
});

describe.each([
  {
    provider: 'assume-role',
    env: () => ({
      ...base(),
      TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey,
      TENCENTCLOUD_ROLE_ARN: ROLE_ARN,
      TENCENT_ROLE_DURATION_SECONDS: String(LIFETIME_S),
      TENCENT_STS_ENDPOINT: emulator.url,
    }),
  },
  { provider: 'cvm-role', env: () => ({ ...base(), TENCENT_METADATA_URL: metadata.url }) },
])('the service signing with $provider credentials', ({ provider, env }) => {
  let service: RunningService;
  const log = capturedLog();
  beforeAll(async () => {
    service = await startService(loadConfig(env(), EMPTY_HOME), log.logger, { now: clock.now });
  });
  afterAll(() => service.close());

  it('renews them under a steady load of calls, none of which fails', async () => {
    expect(service.mode).toBe('PRODUCTION');
    const outcomes = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    let done = 0;
    let stopping = false;
    let progress: () => void = () => {};
    const finished = () => new Promise<void>((resolve) => (progress = resolve));
    const worker = async () => {
      while (!stopping) {
        const call = cancelQrCode(service.url, seedQrCode(emulator)).then((result) => {
          outcomes.set(result.__typename, (outcomes.get(result.__typename) ?? 0) + 1);
          done += 1;
          progress();
        });
        inFlight.add(call);
        await call.finally(() => inFlight.delete(call));
      }
    };
    const workers = Array.from({ length: CONCURRENCY }, worker);

    for (let step = 0; step < STEPS; step++) {
      // Some calls at this time, then every call that may have been signed before the step ends first.
      const target = done + CONCURRENCY;
      while (done < target) await finished();
      await Promise.all([...inFlight]);
      clock.advance(STEP_MS);
    }
    stopping = true;
    await Promise.all(workers);

    expect(Object.fromEntries(outcomes)).toEqual({ ChannelCancelMultiFlowSignQRCodeSuccess: done });
    expect(done).toBeGreaterThanOrEqual(STEPS * CONCURRENCY);
    expect(emulator.calls.filter((call) => call.code?.startsWith('AuthFailure'))).toEqual([]);

    // Four lifetimes: at least three renewals after the first credentials, each logged and counted.
    const metrics = await (await fetch(new URL('/metrics', service.url))).text();
    const refreshes = sample(metrics, 'tencent_credential_refreshes_total', { provider, result: 'ok' }) ?? 0;
    expect(refreshes).toBeGreaterThanOrEqual(4);
    expect(log.linesWith('tencent credentials refreshed')).toHaveLength(refreshes);
    expect(sample(metrics, 'tencent_credentials_expiry_timestamp_seconds', { provider })).toBeGreaterThan(
      clock.now() / 1000,
    );
    expect(log.text()).not.toContain(TEST_CREDENTIALS.secretKey);
  });
});
