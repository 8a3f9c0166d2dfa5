/**
 * Tracing end to end: the service over real HTTP in front of the emulator, exporting to an OTLP receiver on
 * loopback. Each service is closed before its spans are read: shutdown exports what is still buffered, so the
 * test waits for that, not for the batch delay.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import type { RunningService } from '../../src/server/service.js';
import { capturedLog } from '../support/captured-log.js';
import { useEmulator } from '../support/emulator.js';
import { type OtlpReceiver, type ReceivedSpan, SPAN_KIND, startOtlpReceiver } from '../support/otlp-receiver.js';
import { spawnService } from '../support/process.js';
import { DEMO_AGENT, post, seedQrCode, serviceFor } from '../support/service.js';

const emulator = useEmulator({ seed: true });
const log = capturedLog();
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => log.clear());

const CANCEL_QR = `mutation CancelQr($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  channelCancelMultiFlowSignQRCode(input: $input) { __typename }
}`;
const CANCEL_AUTO_SIGN = `mutation CancelAutoSign($input: CancelUserAutoSignEnableUrlInput!) {
  cancelUserAutoSignEnableUrl(input: $input) { __typename }
}`;

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const traceparent = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

/** Runs `requests` against a service exporting to the receiver, then closes it and answers the spans it exported. */
async function traced(env: NodeJS.ProcessEnv, requests: (service: RunningService) => Promise<void>) {
  const before = receiver.spans().length;
  const service = await serviceFor(emulator.current, env, log.logger);
  try {
    await requests(service);
  } finally {
    await service.close();
  }
  return receiver.spans().slice(before);
}

const named = (spans: ReceivedSpan[], name: string) => spans.filter((span) => span.name === name);

describe('with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const env = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'esign-test' });

  it('exports the operation’s span under the caller’s traceparent, and each Tencent attempt under it', async () => {
    const qrCodeId = seedQrCode(emulator.current);
    // Tencent's limit refuses the first attempt: provably not applied, so it is retried.
    emulator.current.faults.add({ action: 'ChannelCancelMultiFlowSignQRCode', code: 'RequestLimitExceeded' });
    const spans = await traced(env(), async (service) => {
      const { body } = await post(
        service.url,
        { query: CANCEL_QR, variables: { input: { agent: DEMO_AGENT, qrCodeId } } },
        { traceparent, tracestate: 'vendor=opaque' },
      );
      expect(body.data).toEqual({
        channelCancelMultiFlowSignQRCode: { __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess' },
      });
    });
    expect(receiver.paths()).toContain('/v1/traces');

    const [operation, ...moreOperations] = named(spans, 'mutation CancelQr');
    expect(moreOperations).toEqual([]);
    expect(operation).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: CALLER_SPAN,
      traceState: 'vendor=opaque',
      kind: SPAN_KIND.server,
      attributes: {
        'graphql.operation.name': 'CancelQr',
        'graphql.operation.type': 'mutation',
        'esign.graphql.outcome': ['ChannelCancelMultiFlowSignQRCodeSuccess'],
        'esign.request_id': expect.any(String),
      },
      resource: { 'service.name': 'esign-test', 'service.version': expect.any(String) },
    });

    const attempts = named(spans, 'essbasic/ChannelCancelMultiFlowSignQRCode');
    expect(attempts.map((span) => span.attributes['esign.tencent.attempt'])).toEqual([1, 2]);
    const [refused, answered] = attempts;
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ traceId: TRACE_ID, parentSpanId: operation!.spanId, kind: SPAN_KIND.client });
      expect(BigInt(attempt.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(operation!.startTimeUnixNano));
      expect(BigInt(attempt.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(operation!.endTimeUnixNano));
    }
    expect(refused!.attributes).toMatchObject({
      'rpc.system.name': 'tencentcloud',
      'rpc.method': 'essbasic/ChannelCancelMultiFlowSignQRCode',
      'esign.tencent.action': 'ChannelCancelMultiFlowSignQRCode',
      'esign.tencent.outcome': 'RequestLimitExceeded',
      'esign.tencent.failure_kind': 'tencent',
      'error.type': 'RequestLimitExceeded',
      'esign.tencent.queued_ms': expect.any(Number),
      'esign.tencent.request_id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(refused!.status?.code).toBe(2);
    expect(answered!.attributes).toMatchObject({ 'esign.tencent.outcome': 'OK' });
    expect(answered!.attributes).not.toHaveProperty('esign.tencent.failure_kind');

    // The log lines name the same spans.
    const [line] = log.linesWith('graphql operation');
    expect(line).toMatchObject({
      traceId: TRACE_ID,
      spanId: operation!.spanId,
      reqId: operation!.attributes['esign.request_id'],
    });
    const calls = log.linesWith('tencent call');
    expect(calls.map((call) => [call.traceId, call.spanId, call.tencentRequestId])).toEqual(
      attempts.map((span) => [TRACE_ID, span.spanId, span.attributes['esign.tencent.request_id']]),
    );
    expect(calls[0]).not.toHaveProperty('parent');
  });

  it('starts a new trace for a request without a valid traceparent, and exports no personal data', async () => {
    const spans = await traced(env(), async (service) => {
      const variables = {
        input: { operator: { userId: DEMO.essOperatorUserId }, sceneKey: DEMO.sceneKey, userInfo: DEMO.unknownUser },
      };
      await post(service.url, { query: CANCEL_AUTO_SIGN, variables }, { traceparent: '00-not-a-trace-01' });
    });
    const [operation] = named(spans, 'mutation CancelAutoSign');
    expect(operation!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(operation!.traceId).not.toBe(TRACE_ID);
    expect(operation!.parentSpanId ?? '').toBe('');
    expect(operation!.attributes['esign.graphql.outcome']).toEqual(['AutoSignEnableUrlNotFoundError']);
    const [call] = named(spans, 'ess/CancelUserAutoSignEnableUrl');
    expect(call).toMatchObject({ traceId: operation!.traceId, parentSpanId: operation!.spanId });
    expect(call!.attributes['esign.tencent.outcome']).toBe('FailedOperation.UserAutoSignEnableUrlNotExist');
    const exported = receiver.bodies().join('\n');
    for (const personal of [DEMO.unknownUser.name, DEMO.unknownUser.idCardNumber])
      expect(exported).not.toContain(personal);
  });

  it('marks an operation that answered errors, and exports one span per operation of a batch', async () => {
    const spans = await traced({ ...env(), GRAPHQL_BATCH_LIMIT: '2' }, async (service) => {
      await post(service.url, { query: 'query Broken { nope }' }, { traceparent });
      const res = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', traceparent },
        body: JSON.stringify([{ query: 'query First { mode }' }, { query: 'query Second { mode }' }]),
      });
      expect(res.status).toBe(200);
    });
    const [broken] = named(spans, 'query Broken');
    expect(broken).toMatchObject({
      traceId: TRACE_ID,
      status: { code: 2 },
      attributes: { 'esign.graphql.outcome': ['errors'] },
    });
    const batch = [...named(spans, 'query First'), ...named(spans, 'query Second')];
    expect(batch).toHaveLength(2);
    expect(new Set(batch.map((span) => span.spanId)).size).toBe(2);
    for (const span of batch) expect(span).toMatchObject({ traceId: TRACE_ID, parentSpanId: CALLER_SPAN });
  });
});

describe('without an OTLP endpoint', () => {
  it('exports nothing and leaves the log lines without trace ids', async () => {
    const posts = receiver.bodies().length;
    const spans = await traced({}, async (service) => {
      await post(service.url, { query: 'query Plain { mode }' }, { traceparent });
    });
    expect(spans).toEqual([]);
    expect(receiver.bodies()).toHaveLength(posts);
    const [line] = log.linesWith('graphql operation');
    expect(line).toMatchObject({ operation: 'Plain' });
    expect(line).not.toHaveProperty('traceId');
  });

  // A module-resolution hook in the real process records every OpenTelemetry module it loads.
  const recordOpenTelemetry = `data:text/javascript,${encodeURIComponent(
    `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
  export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    if (resolved.url.includes('/@opentelemetry/')) process.stderr.write('loaded ' + resolved.url + '\\\\n');
    return resolved;
  }\`));`,
  )}`;

  async function openTelemetryLoaded(env: NodeJS.ProcessEnv): Promise<boolean> {
    const service = await spawnService(emulator.current, { NODE_OPTIONS: `--import=${recordOpenTelemetry}`, ...env });
    try {
      await post(service.url, { query: '{ mode }' }, { traceparent });
    } finally {
      await service.stop();
    }
    return /loaded \S*\/@opentelemetry\//.test(service.output());
  }

  it('loads no OpenTelemetry module at all (and the same probe sees them loaded when tracing is on)', async () => {
    expect(await openTelemetryLoaded({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` })).toBe(true);
    expect(await openTelemetryLoaded({})).toBe(false);
  }, 30_000);
});
