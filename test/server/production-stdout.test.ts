/**
 * Production writes JSON lines and nothing else on stdout, for log shippers: the compiled service as `npm start`
 * runs it (`NODE_ENV=production`, tracing on), driven through a success, a Tencent error, an upstream failure, a
 * refused caller, malformed requests and a SIGTERM; every line it printed must parse as one JSON object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyDigest } from '../../src/plugins/auth/api-keys.js';
import { useEmulator } from '../support/emulator.js';
import { type OtlpReceiver, SPAN_KIND, startOtlpReceiver } from '../support/otlp-receiver.js';
import { type ServiceProcess, spawnService } from '../support/process.js';
import { CANCEL_QR_CODE, DEMO_AGENT, PRODUCTION_API_KEY, seedQrCode } from '../support/service.js';

const emulator = useEmulator({ seed: true });
let receiver: OtlpReceiver;
let service: ServiceProcess;
let exitCode: number | null;
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  service = await spawnService(emulator.current, {
    NODE_ENV: 'production',
    AUTH_API_KEYS: JSON.stringify([{ name: 'ops-test', sha256: apiKeyDigest(PRODUCTION_API_KEY), unrestricted: true }]),
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    TENCENT_TIMEOUT_MS: '1000',
    TENCENT_RATE_LIMIT_MAX_WAIT_MS: '500',
  });
}, 20_000);
afterAll(() => receiver.close());

async function send(body: string, headers: Record<string, string> = { 'x-api-key': PRODUCTION_API_KEY }) {
  const res = await fetch(service.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01`,
      ...headers,
    },
    body,
  });
  await res.text();
  return res.status;
}
const cancel = (qrCodeId: string) =>
  send(JSON.stringify({ query: CANCEL_QR_CODE, variables: { input: { agent: DEMO_AGENT, qrCodeId } } }));

describe('production stdout', () => {
  it('is JSON lines only, through successes, failures and a SIGTERM', async () => {
    expect(await cancel(seedQrCode(emulator.current))).toBe(200);
    expect(await cancel('Q'.repeat(32))).toBe(200);
    emulator.current.faults.add({ status: 503, body: 'unavailable' });
    expect(await cancel(seedQrCode(emulator.current))).toBe(200);
    expect(await send(JSON.stringify({ query: '{ mode }' }), {})).toBe(401);
    expect(await send('{"query": "{ mode ')).toBe(400);
    expect(await send(JSON.stringify({ query: 'query Broken { nope }' }))).toBe(200);
    exitCode = await service.stop();

    expect(exitCode).toBe(0);
    const lines = service.stdout().split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line on stdout: ${line}`);
      }
    });
    for (const record of records)
      expect(record).toEqual(expect.objectContaining({ level: expect.any(Number), msg: expect.any(String) }));
    const messages = records.map((record) => record.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        'GraphQL endpoint listening',
        'graphql operation',
        'tencent call',
        'tencent call failed',
      ]),
    );
    expect(messages.at(-1)).toMatch(/^shutting down/);
    // Every operation that ran is traced under the caller's trace.
    const operations = records.filter((record) => record.msg === 'graphql operation');
    expect(operations).toHaveLength(4);
    for (const operation of operations) expect(operation.traceId).toBe(TRACE_ID);
    expect(service.stderr()).toBe('');
    // And exported them before exiting on SIGTERM.
    const exported = receiver.spans().filter((span) => span.traceId === TRACE_ID && span.kind === SPAN_KIND.server);
    expect(exported.map((span) => span.spanId).sort()).toEqual(operations.map((line) => line.spanId).sort());
  }, 30_000);
});
