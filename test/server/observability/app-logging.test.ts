/**
 * The observability plugins beside the app's other plugins, over real HTTP:
 * an idempotent replay and an unexpected fault each still give one
 * operation line, with what the client was actually answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/emulator/seed.js';
import { createApp } from '../../../src/server/app.js';
import { MemoryIdempotencyStore } from '../../../src/server/idempotency/memory-store.js';
import { useIdempotency } from '../../../src/server/idempotency/plugin.js';
import { createObservability } from '../../../src/server/observability/index.js';
import type { TencentCaller } from '../../../src/tencent/client.js';
import { capturedLog } from '../../support/captured-log.js';
import { clientFor, useEmulator } from '../../support/emulator.js';

const emulator = useEmulator({ seed: true });
const log = capturedLog();
const servers: Server[] = [];
const clients: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all(clients.map((client) => client.close()));
});

async function serve(tencent: (instrument: (caller: TencentCaller) => TencentCaller) => TencentCaller) {
  const observability = createObservability(log.logger);
  const store = new MemoryIdempotencyStore({ ttlMs: 60_000, waitMs: 5_000 });
  const { listener } = createApp({
    tencent: tencent(observability.instrument),
    defaults: {},
    mode: 'TEST',
    logger: observability.yogaLogger,
    plugins: [...observability.plugins, useIdempotency(store)],
    fastPath: true,
    reportOperation: observability.reportOperation,
  });
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const CANCEL_QR = `mutation CancelQrCode($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  channelCancelMultiFlowSignQRCode(input: $input) { __typename }
}`;
const body = (qrCodeId: string) =>
  JSON.stringify({
    query: CANCEL_QR,
    variables: {
      input: {
        agent: {
          appId: DEMO.appId,
          proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
          proxyOperator: { openId: 'n1' },
        },
        qrCodeId,
      },
    },
  });
const post = async (url: string, payload: string, headers: Record<string, string> = {}) =>
  (
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload })
  ).json();

describe('beside the idempotency plugin', () => {
  let url: string;
  beforeAll(async () => {
    url = await serve((instrument) => {
      const client = clientFor(emulator.current);
      clients.push(client);
      return instrument(client);
    });
  });

  it('logs a replay with the result it replayed and no Tencent call', async () => {
    log.clear();
    const payload = body(DEMO.qrCodeId);
    const key = { 'idempotency-key': 'replay-1' };
    const first = await post(url, payload, key);
    const replay = await post(url, payload, key);
    expect(replay).toMatchObject({ data: first.data, extensions: { idempotentReplay: true } });
    expect(log.linesWith('tencent call')).toHaveLength(1);
    expect(log.linesWith('graphql operation').map((line) => [line.operation, line.outcome])).toEqual([
      ['CancelQrCode', 'ChannelCancelMultiFlowSignQRCodeSuccess'],
      ['CancelQrCode', 'ChannelCancelMultiFlowSignQRCodeSuccess'],
    ]);
  });
});

describe('an unexpected fault', () => {
  it('is logged with its error id and masked details, and its operation line says `errors`', async () => {
    const url = await serve(() => ({
      call: () => Promise.reject(Object.assign(new Error('store failed'), { idCardNumber: '610000000000000000' })),
    }));
    log.clear();
    const answer = (await post(url, body('q'.repeat(32)))) as { errors: { extensions: { errorId: string } }[] };
    const errorId = answer.errors[0]!.extensions.errorId;
    const [fault] = log.records().filter((record) => record.level === 50);
    expect(fault).toMatchObject({
      msg: `Unexpected error ${errorId}:`,
      err: { message: expect.stringContaining('store failed') },
    });
    expect(log.text()).not.toContain('610000000000000000');
    expect(log.linesWith('graphql operation')).toEqual([
      expect.objectContaining({ operation: 'CancelQrCode', outcome: 'errors' }),
    ]);
  });
});
