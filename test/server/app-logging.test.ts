/**
 * The operation log beside the app's other plugins, in-process:
 * an idempotent replay and an unexpected fault each still give one
 * operation line, with what the client was actually answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { loadConfig } from '../../src/config/index.js';
import { callerChainFor } from '../../src/server/caller-chain.js';
import type { YogaApp } from '../../src/server/app.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import type { TencentCaller } from '../../src/tencent/client.js';
import { appFor } from '../support/app.js';
import { capturedLog } from '../support/captured-log.js';
import { clientFor, useEmulator } from '../support/emulator.js';
import { EMPTY_HOME } from '../support/service.js';

const emulator = useEmulator({ seed: true });
const log = capturedLog();
const clients: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

function serve(tencent: (instrument: (caller: TencentCaller) => TencentCaller) => TencentCaller): YogaApp {
  return appFor({
    logger: log.logger,
    tencent: tencent(
      (client) => callerChainFor(loadConfig({}, EMPTY_HOME), client, undefined, log.logger, new Metrics()).caller,
    ),
  });
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
const post = async (yoga: YogaApp, payload: string, headers: Record<string, string> = {}) =>
  (
    await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: payload,
    })
  ).json();

describe('beside the idempotency plugin', () => {
  let app: YogaApp;
  beforeAll(() => {
    app = serve((instrument) => {
      const client = clientFor(emulator.current);
      clients.push(client);
      return instrument(client);
    });
  });

  it('logs a replay with the result it replayed and no Tencent call', async () => {
    log.clear();
    const payload = body(DEMO.qrCodeId);
    const key = { 'idempotency-key': 'replay-1' };
    const first = await post(app, payload, key);
    const replay = await post(app, payload, key);
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
    const app = serve(() => ({
      call: () => Promise.reject(Object.assign(new Error('store failed'), { idCardNumber: '610000000000000000' })),
    }));
    log.clear();
    const answer = (await post(app, body('q'.repeat(32)))) as { errors: { extensions: { errorId: string } }[] };
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
