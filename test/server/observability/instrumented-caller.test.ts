/** The Tencent-call line and counters, over real HTTP to the emulator, alone and inside the reliability wrapper. */
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/emulator/seed.js';
import { InstrumentedCaller } from '../../../src/server/observability/instrumented-caller.js';
import { Metrics } from '../../../src/telemetry/metrics.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../../src/tencent/essbasic.js';
import { ReliableCaller } from '../../../src/tencent/reliable.js';
import { capturedLog } from '../../support/captured-log.js';
import { clientFor, TEST_CREDENTIALS, useEmulator } from '../../support/emulator.js';
import { sample } from '../../support/prometheus.js';

const emulator = useEmulator({ seed: true });
const clients: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

function instrumented() {
  const client = clientFor(emulator.current);
  clients.push(client);
  const log = capturedLog();
  const metrics = new Metrics();
  return { log, metrics, caller: new InstrumentedCaller(client, log.logger, metrics) };
}

const cancel = (qrCodeId: string) => ({
  Agent: {
    AppId: DEMO.appId,
    ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
    ProxyOperator: { OpenId: DEMO.proxyOperatorOpenId },
  },
  QrCodeId: qrCodeId,
});
const labels = { service: 'essbasic', action: 'ChannelCancelMultiFlowSignQRCode' };

describe('InstrumentedCaller', () => {
  it('logs each call with its action, code and Tencent RequestId, and counts it by code', async () => {
    const { log, metrics, caller } = instrumented();
    const first = await caller.call(ChannelCancelMultiFlowSignQRCode, cancel(DEMO.qrCodeId));
    const second = await caller.call(ChannelCancelMultiFlowSignQRCode, cancel(DEMO.qrCodeId));
    if (!first.ok) throw new Error('the demo QR code should cancel once');
    expect(second.ok).toBe(false);

    expect(log.records()).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'tencent call',
        ...labels,
        code: 'OK',
        tencentRequestId: first.requestId,
      }),
      expect.objectContaining({
        level: 30,
        msg: 'tencent call',
        ...labels,
        code: 'OperationDenied.QrInvalid',
        tencentRequestId: expect.any(String),
      }),
    ]);
    // Outside a GraphQL request there is no request id to carry.
    expect(log.records()[0]).not.toHaveProperty('reqId');
    const text = await metrics.registry.metrics();
    expect(sample(text, 'tencent_calls_total', { ...labels, code: 'OK' })).toBe(1);
    expect(sample(text, 'tencent_calls_total', { ...labels, code: 'OperationDenied.QrInvalid' })).toBe(1);
    expect(sample(text, 'tencent_call_duration_seconds_count', labels)).toBe(2);
  });

  it('logs a call that got no answer as a warning with the reason, and no secret', async () => {
    const { log, metrics, caller } = instrumented();
    emulator.current.faults.add({ action: labels.action, status: 502, body: 'bad gateway' });
    const outcome = await caller.call(ChannelCancelMultiFlowSignQRCode, cancel('q'.repeat(32)));
    expect(outcome.ok).toBe(false);
    const [line] = log.records();
    expect(line).toMatchObject({
      level: 40,
      msg: 'tencent call failed',
      code: 'upstream:http-status',
      error: expect.stringContaining('HTTP 502'),
    });
    expect(line).not.toHaveProperty('tencentRequestId');
    expect(log.text()).not.toContain(TEST_CREDENTIALS.secretKey);
    expect(
      sample(await metrics.registry.metrics(), 'tencent_calls_total', { ...labels, code: 'upstream:http-status' }),
    ).toBe(1);
  });

  it('inside the reliability wrapper, logs every attempt of a retried call', async () => {
    const { log, caller } = instrumented();
    const reliable = new ReliableCaller(caller, {
      budget: undefined,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      breaker: { failureThreshold: 5, cooldownMs: 1_000 },
    });
    emulator.current.faults.add({ action: labels.action, code: 'RequestLimitExceeded' });
    const outcome = await reliable.call(ChannelCancelMultiFlowSignQRCode, cancel('r'.repeat(32)));
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'InvalidParameter.DataNotFound' } });
    expect(log.records().map((line) => line.code)).toEqual(['RequestLimitExceeded', 'InvalidParameter.DataNotFound']);
  });
});
