/**
 * The reliability series: the call budget's queue and waits, the circuit
 * breakers, read from the caller chain as the service configures it, over
 * real HTTP to the emulator; idempotency replays and refusals and Redis's
 * state from the whole service; what is running.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { DEMO } from '../../src/emulator/seed.js';
import { callerChainFor } from '../../src/server/caller-chain.js';
import { BoundedLabel, Metrics } from '../../src/telemetry/metrics.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';
import { capturedLog } from '../support/captured-log.js';
import { clientFor, useEmulator } from '../support/emulator.js';
import { sample } from '../support/prometheus.js';
import { redisAvailable, startRedis } from '../support/redis.js';
import {
  CANCEL_QR_CODE,
  DEMO_AGENT,
  EMPTY_HOME,
  post,
  seedQrCode,
  serviceFor,
  useService,
  useServices,
} from '../support/service.js';

const emulator = useEmulator();
const clients: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

const action = ChannelCancelMultiFlowSignQRCode;
const request = {
  Agent: { AppId: DEMO.appId, ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId, ProxyOperator: { OpenId: 'n1' } },
  QrCodeId: 'z'.repeat(32),
};

/** The wiring service.ts does: the configured chain around the client, reporting to one log and one registry. */
function reliableService(env: NodeJS.ProcessEnv) {
  const client = clientFor(emulator.current);
  clients.push(client);
  const log = capturedLog();
  const metrics = new Metrics();
  const config = loadConfig({ TENCENT_RETRY_ATTEMPTS: '1', ...env }, EMPTY_HOME);
  const chain = callerChainFor(config, client, undefined, log.logger, metrics);
  metrics.watch({ breakers: chain.breakers, budget: chain.budget });
  return { log, caller: chain.caller, scrape: () => metrics.registry.metrics() };
}

describe('limiter series', () => {
  it('report the calls waiting for budget while they wait, and how long each waited', async () => {
    const { caller, scrape } = reliableService({ TENCENT_RATE_LIMIT_PER_SECOND: '1' });
    const depth = async () => sample(await scrape(), 'tencent_limiter_queue_depth', { action: action.name });
    const calls = Promise.all([1, 2, 3].map(() => caller.call(action, request)));
    await vi.waitFor(async () => expect(await depth()).toBeGreaterThan(0), { timeout: 2_000, interval: 20 });
    const outcomes = await calls;
    expect(outcomes.every((outcome) => !outcome.ok && outcome.failure.kind === 'tencent')).toBe(true);

    const text = await scrape();
    expect(sample(text, 'tencent_limiter_queue_depth', { action: action.name })).toBe(0);
    expect(sample(text, 'tencent_limiter_wait_seconds_count', { action: action.name })).toBe(3);
    // At one call a second, the second and third waited for their turns.
    expect(sample(text, 'tencent_limiter_wait_seconds_sum', { action: action.name })).toBeGreaterThan(1.5);
    expect(sample(text, 'tencent_limiter_mode', { mode: 'local' })).toBe(1);
  });
});

describe('circuit breaker series', () => {
  it('show each service’s state and count its changes', async () => {
    const { caller, scrape, log } = reliableService({
      TENCENT_RATE_LIMIT_PER_SECOND: '0',
      TENCENT_BREAKER_FAILURES: '2',
      TENCENT_BREAKER_COOLDOWN_MS: '60000',
    });
    const state = async (service: string, value: string) =>
      sample(await scrape(), 'tencent_circuit_breaker_state', { service, state: value });
    expect(await state('essbasic', 'closed')).toBe(1);

    emulator.current.faults.add({ action: action.name, status: 503, times: 2 });
    await caller.call(action, request);
    await caller.call(action, request);
    const refused = await caller.call(action, request);
    expect(refused).toMatchObject({ ok: false, failure: { reason: 'circuit-open' } });

    expect(await state('essbasic', 'open')).toBe(1);
    expect(await state('essbasic', 'closed')).toBe(0);
    expect(await state('ess', 'closed')).toBe(1);
    const text = await scrape();
    expect(sample(text, 'tencent_circuit_breaker_transitions_total', { service: 'essbasic', state: 'open' })).toBe(1);
    // The refused call never reached the client, so only the two real attempts are counted.
    expect(sample(text, 'tencent_calls_total', { action: action.name, code: 'upstream:http-status' })).toBe(2);
    expect(log.linesWith('circuit breaker open')).toEqual([
      expect.objectContaining({ level: 40, service: 'essbasic', state: 'open' }),
    ]);
  });
});

describe('BoundedLabel', () => {
  it('keeps the first values up to its limit and reports later new ones as `other`', () => {
    const label = new BoundedLabel(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((value) => label.of(value))).toEqual([
      'a',
      'b',
      'other',
      'a',
      'other',
      'b',
    ]);
  });
});

describe('build info', () => {
  it('is 1, labelled with the package’s version and Node’s', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const text = await new Metrics().registry.metrics();
    expect(sample(text, 'esign_graphql_build_info', { version, node: process.versions.node })).toBe(1);
  });
});

const scrape = async (url: string) => (await fetch(new URL('/metrics', url))).text();
const cancelWithKey = (url: string, key: string, qrCodeId: string) =>
  post(
    url,
    { query: CANCEL_QR_CODE, variables: { input: { agent: DEMO_AGENT, qrCodeId } } },
    { 'idempotency-key': key },
  );

describe('idempotency series', () => {
  const service = useService(() => serviceFor(emulator.current));

  it('count replays, and refusals by reason', async () => {
    const { url } = service.current;
    const key = randomUUID();
    const qrCodeId = seedQrCode(emulator.current);
    expect((await cancelWithKey(url, key, qrCodeId)).status).toBe(200);
    expect((await cancelWithKey(url, key, qrCodeId)).body.extensions).toEqual({ idempotentReplay: true });
    expect((await cancelWithKey(url, key, qrCodeId)).body.extensions).toEqual({ idempotentReplay: true });
    expect((await cancelWithKey(url, key, seedQrCode(emulator.current))).status).toBe(422);
    expect((await cancelWithKey(url, 'x'.repeat(256), qrCodeId)).status).toBe(400);
    const text = await scrape(url);
    expect(sample(text, 'idempotency_replays_total')).toBe(2);
    expect(sample(text, 'idempotency_refusals_total', { reason: 'IDEMPOTENCY_KEY_REUSED' })).toBe(1);
    expect(sample(text, 'idempotency_refusals_total', { reason: 'BAD_IDEMPOTENCY_KEY' })).toBe(1);
    // Errors that are not the plugin's refusals count nowhere.
    await post(url, { query: 'query Broken { nope }' }, { 'idempotency-key': randomUUID() });
    expect(await scrape(url)).not.toMatch(/^idempotency_refusals_total\{reason="(?!BAD_|IDEMPOTENCY_KEY_REUSED)/m);
  });

  it('has no redis_up series without Redis', async () => {
    expect(await scrape(service.current.url)).not.toMatch(/^redis_up/m);
  });
});

describe.skipIf(!redisAvailable)('Redis series', () => {
  const start = useServices(emulator);

  it('redis_up follows the connection, and keyed requests refused meanwhile are counted', async () => {
    const redis = await startRedis();
    const { url } = await start({ REDIS_URL: redis.url });
    expect(sample(await scrape(url), 'redis_up')).toBe(1);
    await redis.stop();
    await vi.waitFor(async () => expect(sample(await scrape(url), 'redis_up')).toBe(0), {
      timeout: 5_000,
      interval: 50,
    });
    expect((await cancelWithKey(url, randomUUID(), seedQrCode(emulator.current))).status).toBe(503);
    expect(sample(await scrape(url), 'idempotency_refusals_total', { reason: 'IDEMPOTENCY_UNAVAILABLE' })).toBe(1);
  });
});
