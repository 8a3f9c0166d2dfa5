/**
 * The operation and Tencent-call log lines over real HTTP: the service in
 * front of a real emulator, logging through a real pino logger the test reads.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { capturedLog } from '../support/captured-log.js';
import { TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';
import { apiKeyDigest } from '../../src/plugins/auth/api-keys.js';
import { DEMO_AGENT, post, seedQrCode, serviceFor, useService } from '../support/service.js';

const emulator = useEmulator({ seed: true });
const log = capturedLog('debug');
const service = useService(() => serviceFor(emulator.current, {}, log.logger));
const batching = useService(() => serviceFor(emulator.current, { GRAPHQL_BATCH_LIMIT: '2' }, log.logger));
beforeEach(() => log.clear());

const CANCEL_AUTO_SIGN = `mutation CancelAutoSign($input: CancelUserAutoSignEnableUrlInput!) {
  cancelUserAutoSignEnableUrl(input: $input) { __typename }
}`;
const input = (user: { name: string; idCardType: string; idCardNumber: string }) => ({
  input: { operator: { userId: DEMO.essOperatorUserId }, sceneKey: DEMO.sceneKey, userInfo: user },
});

describe('a mutation', () => {
  it('logs one operation line and one Tencent-call line, both under the caller’s X-Request-Id, which is echoed', async () => {
    const { headers, body } = await post(
      service.current.url,
      { query: CANCEL_AUTO_SIGN, variables: input(DEMO.unknownUser) },
      { 'X-Request-Id': 'trace-7f3a' },
    );
    expect(body.data).toEqual({ cancelUserAutoSignEnableUrl: { __typename: 'AutoSignEnableUrlNotFoundError' } });
    expect(headers.get('x-request-id')).toBe('trace-7f3a');

    const [call, ...moreCalls] = log.linesWith('tencent call');
    expect(moreCalls).toEqual([]);
    expect(call).toEqual(
      expect.objectContaining({
        level: 30,
        reqId: 'trace-7f3a',
        operation: 'CancelAutoSign',
        service: 'ess',
        action: 'CancelUserAutoSignEnableUrl',
        tencentRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        code: 'FailedOperation.UserAutoSignEnableUrlNotExist',
        latencyMs: expect.any(Number),
      }),
    );
    const [operation, ...moreOperations] = log.linesWith('graphql operation');
    expect(moreOperations).toEqual([]);
    expect(operation).toEqual(
      expect.objectContaining({
        level: 30,
        reqId: 'trace-7f3a',
        operation: 'CancelAutoSign',
        operationType: 'mutation',
        outcome: 'AutoSignEnableUrlNotFoundError',
        latencyMs: expect.any(Number),
      }),
    );
    expect(operation!.latencyMs).toBeGreaterThanOrEqual(call!.latencyMs as number);
  });

  it('gets a new request id when the caller sends none, or one that is not a plain token', async () => {
    const query = { query: CANCEL_AUTO_SIGN, variables: input(DEMO.enabledUser) };
    const generated = await post(service.current.url, query);
    const replaced = await post(service.current.url, query, { 'X-Request-Id': 'two words' });
    const tooLong = await post(service.current.url, query, { 'X-Request-Id': 'x'.repeat(129) });
    const ids = [generated, replaced, tooLong].map((reply) => reply.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
    expect(log.linesWith('graphql operation').map((line) => line.reqId)).toEqual(ids);
    expect(log.linesWith('tencent call').map((line) => line.reqId)).toEqual(ids);
  });

  it('logs each operation of a batch, and its Tencent call, under the request’s id and the operation’s own name', async () => {
    const named = (name: string) => CANCEL_AUTO_SIGN.replace('CancelAutoSign', name);
    const res = await fetch(batching.current.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'batch-1' },
      body: JSON.stringify(
        ['First', 'Second'].map((name) => ({ query: named(name), variables: input(DEMO.unknownUser) })),
      ),
    });
    expect(await res.json()).toHaveLength(2);
    const logged = (message: string) =>
      log
        .linesWith(message)
        .map((line) => `${line.reqId} ${line.operation}`)
        .sort();
    expect(logged('tencent call')).toEqual(['batch-1 First', 'batch-1 Second']);
    expect(logged('graphql operation')).toEqual(['batch-1 First', 'batch-1 Second']);
  });

  it('never logs the name, ID number, secret key or signature it handles, even at debug level', async () => {
    // yoga logs at debug level here too.
    const query = `${CANCEL_AUTO_SIGN}\n# never logged`;
    await post(
      service.current.url,
      { query, variables: input(DEMO.pendingUser) },
      { authorization: 'Bearer client-token-1' },
    );
    await post(service.current.url, {
      query,
      variables: input({ ...DEMO.pendingUser, idCardNumber: '61000000000000000' }),
    });
    const text = log.text();
    expect(log.linesWith('tencent call')).toHaveLength(1);
    expect(text).toContain('"level":20'); // yoga's own debug lines are in the capture too
    for (const secret of [DEMO.pendingUser.name, DEMO.pendingUser.idCardNumber, '61000000000000000']) {
      expect(text).not.toContain(secret);
    }
    for (const secret of [TEST_CREDENTIALS.secretKey, 'TC3-HMAC-SHA256', 'client-token-1'])
      expect(text).not.toContain(secret);
  });
});

describe('other operations', () => {
  it('are logged with their result kind and no Tencent call', async () => {
    await post(service.current.url, { query: '{ mode }' });
    await post(service.current.url, { query: 'query Broken { nope }' });
    expect(log.linesWith('tencent call')).toEqual([]);
    expect(log.linesWith('graphql operation')).toEqual([
      expect.objectContaining({ operation: 'anonymous', operationType: 'query', outcome: 'data' }),
      expect.objectContaining({ operation: 'Broken', outcome: 'errors' }),
    ]);
  });

  it('are not named after an overlong or malformed name', async () => {
    const long = 'A'.repeat(150);
    await post(service.current.url, { query: `query ${long} { mode }` });
    await post(service.current.url, { query: '{ mode }', operationName: '610000000000000000 and more' });
    expect(log.linesWith('graphql operation').map((line) => line.operation)).toEqual(['anonymous', 'anonymous']);
    expect(log.text()).not.toContain(long);
    expect(log.text()).not.toContain('610000000000000000');
  });

  it('keep the type of the operation that ran when its name is too long to log', async () => {
    const long = 'B'.repeat(150);
    const query = `query ${long} { mode }\nquery Other { mode }`;
    await post(service.current.url, { query, operationName: long });
    const line = expect.objectContaining({ operation: 'anonymous', operationType: 'query', outcome: 'data' });
    expect(log.linesWith('graphql operation')).toEqual([line]);
    expect(log.text()).not.toContain(long);
  });

  it('echo the request id on other pages too', async () => {
    const res = await fetch(service.current.url, { headers: { accept: 'text/html', 'x-request-id': 'page-1' } });
    await res.text();
    expect(res.headers.get('x-request-id')).toBe('page-1');
  });
});

describe('the audit trail', () => {
  const key = 'esk_audit-test-suite-key-0123456789abcd';
  const audited = useService(() =>
    serviceFor(
      emulator.current,
      {
        NODE_ENV: 'production',
        AUTH_API_KEYS: JSON.stringify([
          {
            name: 'clinic-desk',
            sha256: apiKeyDigest(key),
            essOperatorUserId: DEMO.essOperatorUserId,
            essbasicProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
            essbasicProxyOperatorOpenId: DEMO.proxyOperatorOpenId,
          },
        ]),
      },
      log.logger,
    ),
  );

  it('says who cancelled which QR code, as which Tencent identity, with what outcome and Tencent RequestId', async () => {
    const qrCodeId = seedQrCode(emulator.current);
    const query = `mutation CancelQr($input: ChannelCancelMultiFlowSignQRCodeInput!) {
      channelCancelMultiFlowSignQRCode(input: $input) { __typename }
    }`;
    await post(
      audited.current.url,
      { query, variables: { input: { agent: DEMO_AGENT, qrCodeId } } },
      { 'x-api-key': key },
    );
    const [call] = log.linesWith('tencent call');
    expect(log.linesWith('graphql operation')).toEqual([
      expect.objectContaining({
        caller: 'api-key:clinic-desk',
        outcome: 'ChannelCancelMultiFlowSignQRCodeSuccess',
        mutations: [
          {
            action: 'ChannelCancelMultiFlowSignQRCode',
            outcome: 'ChannelCancelMultiFlowSignQRCodeSuccess',
            tencentRequestId: call!.tencentRequestId,
            actingAs: {
              appId: DEMO.appId,
              proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
              proxyOperatorOpenId: DEMO.proxyOperatorOpenId,
            },
            target: { qrCodeId },
          },
        ],
      }),
    ]);
  });

  it('names an auto-sign link by its linkId, never by the person', async () => {
    await post(
      audited.current.url,
      { query: CANCEL_AUTO_SIGN, variables: input(DEMO.unknownUser) },
      { 'x-api-key': key },
    );
    const [line] = log.linesWith('graphql operation');
    expect(line).toMatchObject({
      caller: 'api-key:clinic-desk',
      mutations: [
        {
          action: 'CancelUserAutoSignEnableUrl',
          outcome: 'AutoSignEnableUrlNotFoundError',
          actingAs: { operatorUserId: DEMO.essOperatorUserId },
          target: { sceneKey: DEMO.sceneKey, linkId: expect.stringMatching(/^[0-9a-f]{64}$/) },
        },
      ],
    });
    for (const personal of [DEMO.unknownUser.name, DEMO.unknownUser.idCardNumber]) {
      expect(log.text()).not.toContain(personal);
    }
  });
});
