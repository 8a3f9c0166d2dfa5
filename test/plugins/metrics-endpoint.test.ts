/** `GET /metrics` over real HTTP, from the whole service in front of the emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import type { RunningService } from '../../src/server/service.js';
import { useEmulator } from '../support/emulator.js';
import { sample } from '../support/prometheus.js';
import { DEMO_AGENT, graphql, serviceFor } from '../support/service.js';

const emulator = useEmulator({ seed: true });
let service: RunningService;
let metricsUrl: string;
beforeAll(async () => {
  service = await serviceFor(emulator.current);
  metricsUrl = new URL('/metrics', service.url).href;
});
afterAll(async () => {
  await service.close();
});

const scrape = async () => {
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};

const CANCEL_QR = `mutation CancelQrCode($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  channelCancelMultiFlowSignQRCode(input: $input) { __typename }
}`;
const cancelQr = () =>
  graphql(service.url, CANCEL_QR, {
    input: {
      agent: DEMO_AGENT,
      qrCodeId: DEMO.qrCodeId,
    },
  });

describe('GET /metrics', () => {
  it('serves Node’s process metrics and the service’s own series', async () => {
    const text = await scrape();
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(sample(text, name)).toEqual(expect.any(Number));
    }
    for (const series of [
      'graphql_operations_total',
      'graphql_operation_duration_seconds',
      'tencent_calls_total',
      'tencent_call_duration_seconds',
      'tencent_limiter_queue_depth',
      'tencent_limiter_wait_seconds',
      'tencent_circuit_breaker_state',
      'tencent_circuit_breaker_transitions_total',
    ]) {
      expect(text).toContain(`# TYPE ${series} `);
    }
  });

  it('counts operations by name and result type, and Tencent calls by action and code', async () => {
    const operation = (result: string) => ({ operation: 'CancelQrCode', type: 'mutation', result });
    const call = (code: string) => ({ service: 'essbasic', action: 'ChannelCancelMultiFlowSignQRCode', code });
    const before = await scrape();
    expect(
      sample(before, 'graphql_operations_total', operation('ChannelCancelMultiFlowSignQRCodeSuccess')),
    ).toBeUndefined();

    expect((await cancelQr()).data).toEqual({
      channelCancelMultiFlowSignQRCode: { __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess' },
    });
    expect((await cancelQr()).data).toEqual({ channelCancelMultiFlowSignQRCode: { __typename: 'QrCodeInvalidError' } });
    expect((await cancelQr()).data).toEqual({ channelCancelMultiFlowSignQRCode: { __typename: 'QrCodeInvalidError' } });

    const after = await scrape();
    expect(sample(after, 'graphql_operations_total', operation('ChannelCancelMultiFlowSignQRCodeSuccess'))).toBe(1);
    expect(sample(after, 'graphql_operations_total', operation('QrCodeInvalidError'))).toBe(2);
    expect(sample(after, 'tencent_calls_total', call('OK'))).toBe(1);
    expect(sample(after, 'tencent_calls_total', call('OperationDenied.QrInvalid'))).toBe(2);
    expect(sample(after, 'tencent_call_duration_seconds_count', { action: 'ChannelCancelMultiFlowSignQRCode' })).toBe(
      3,
    );
    expect(sample(after, 'graphql_operation_duration_seconds_count', { operation: 'CancelQrCode' })).toBe(3);
  });

  it('answers only GET', async () => {
    const res = await fetch(metricsUrl, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});
