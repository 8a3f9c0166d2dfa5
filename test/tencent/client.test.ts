import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import { TencentClient } from '../../src/tencent/client.js';
import { CancelUserAutoSignEnableUrl, CreateUserAutoSignEnableUrl } from '../../src/tencent/ess.js';
import { ChannelCancelMultiFlowSignQRCode, ChannelCreateMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';
import { clientFor, TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ seed: true });
const clients: TencentClient[] = [];
function client(overrides: Parameters<typeof clientFor>[1] = {}): TencentClient {
  const c = clientFor(emulator.current, overrides);
  clients.push(c);
  return c;
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

const agent = {
  AppId: DEMO.appId,
  ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  ProxyOperator: { OpenId: DEMO.proxyOperatorOpenId },
};
const user = { Name: '王五', IdCardType: 'ID_CARD', IdCardNumber: '11010519491231002X' } as const;
const cancelAutoSign = {
  Operator: { UserId: DEMO.essOperatorUserId },
  SceneKey: 'E_PRESCRIPTION_AUTO_SIGN',
  UserInfo: user,
} as const;

describe('TencentClient against the emulator', () => {
  it('creates and cancels an auto-sign link, then gets the documented not-found error', async () => {
    const c = client();
    const created = await c.call(CreateUserAutoSignEnableUrl, {
      Operator: cancelAutoSign.Operator,
      SceneKey: cancelAutoSign.SceneKey,
      AutoSignConfig: { UserInfo: user },
    });
    expect(created.ok && created.reply.Url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_emulator\/auto-sign\//);

    const cancelled = await c.call(CancelUserAutoSignEnableUrl, cancelAutoSign);
    expect(cancelled).toMatchObject({ ok: true, reply: {} });
    expect(cancelled.ok && cancelled.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const again = await c.call(CancelUserAutoSignEnableUrl, cancelAutoSign);
    expect(again).toMatchObject({
      ok: false,
      failure: { kind: 'tencent', code: 'FailedOperation.UserAutoSignEnableUrlNotExist' },
    });
  });

  it('creates and cancels a QR code; a second cancel answers QrInvalid, an unknown id DataNotFound', async () => {
    const c = client();
    const created = await c.call(ChannelCreateMultiFlowSignQRCode, {
      Agent: agent,
      TemplateId: 'tpl',
      FlowName: 'demo',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.failure));
    const { QrCodeId } = created.reply.QrCode;
    expect(QrCodeId).toHaveLength(32);

    expect(await c.call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId })).toMatchObject({ ok: true });
    expect(await c.call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId })).toMatchObject({
      ok: false,
      failure: { kind: 'tencent', code: 'OperationDenied.QrInvalid' },
    });
    expect(await c.call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId: 'x'.repeat(32) })).toMatchObject({
      ok: false,
      failure: { code: 'InvalidParameter.DataNotFound' },
    });
  });

  it('signs host:port, so requests to a non-default port verify', async () => {
    expect(emulator.current.url).toMatch(/:\d+$/);
    // Past the signature check, the emulator looks the code up and finds nothing.
    expect(
      await client().call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId: 'y'.repeat(32) }),
    ).toMatchObject({ ok: false, failure: { kind: 'tencent', code: 'InvalidParameter.DataNotFound' } });
  });

  it('is refused with AuthFailure codes for a wrong key or an unknown id', async () => {
    const wrongKey = client({ credentials: { ...TEST_CREDENTIALS, secretKey: 'not-the-key' } });
    const wrongId = client({ credentials: { ...TEST_CREDENTIALS, secretId: 'AKIDUNKNOWN' } });
    const request = { Agent: agent, QrCodeId: DEMO.qrCodeId };
    expect(await wrongKey.call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({
      ok: false,
      failure: { kind: 'tencent', code: 'AuthFailure.SignatureFailure' },
    });
    expect(await wrongId.call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({
      failure: { code: 'AuthFailure.SecretIdNotFound' },
    });
    // None of them reached the record: the demo code is still active for a correctly signed call.
    expect(await client().call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({ ok: true });
  });

  it('corrects a skewed clock from the Date of a SignatureExpire reply and signs again once', async () => {
    const skewed = client({ now: () => Date.now() - 6 * 60_000 });
    const before = emulator.current.calls.length;
    const result = await skewed.call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId: 'S'.repeat(32) });
    expect(result).toMatchObject({ ok: false, failure: { code: 'InvalidParameter.DataNotFound' } });
    expect(emulator.current.calls.slice(before).map((c) => c.code)).toEqual([
      'AuthFailure.SignatureExpire',
      'InvalidParameter.DataNotFound',
    ]);
    expect(skewed.clockOffsetMs).toBeGreaterThan(5 * 60_000);
    expect(skewed.clockOffsetMs).toBeLessThan(7 * 60_000);
  });

  it('gives up on SignatureExpire when the reply carries no usable Date', async () => {
    emulator.current.faults.add({ action: ChannelCancelMultiFlowSignQRCode.name, code: 'AuthFailure.SignatureExpire' });
    const result = await client().call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId: 'S'.repeat(32) });
    // The server's Date matches the local clock, so there is nothing to correct: no second attempt.
    expect(result).toMatchObject({ ok: false, failure: { code: 'AuthFailure.SignatureExpire' } });
  });

  it('sends the session token of temporary credentials as X-TC-Token', async () => {
    const credentials = { ...TEST_CREDENTIALS, token: 'session-token' };
    const tokenEmulator = await startEmulator({ credentials });
    const withToken = new TencentClient({
      credentials,
      endpoints: { ess: tokenEmulator.url, essbasic: tokenEmulator.url },
      timeoutMs: 2000,
    });
    const withoutToken = clientFor(tokenEmulator);
    try {
      const request = { Agent: agent, QrCodeId: 'z'.repeat(32) };
      expect(await withToken.call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({
        failure: { code: 'InvalidParameter.DataNotFound' },
      });
      expect(await withoutToken.call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({
        failure: { code: 'AuthFailure.TokenFailure' },
      });
    } finally {
      await Promise.all([withToken.close(), withoutToken.close(), tokenEmulator.close()]);
    }
  });

  it('reports a missing parameter as Tencent does', async () => {
    const { UserInfo: _omitted, ...withoutUser } = cancelAutoSign;
    const result = await client().call(CancelUserAutoSignEnableUrl, withoutUser as typeof cancelAutoSign);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'tencent', code: 'MissingParameter' } });
    expect(result.ok || result.failure.message).toContain('UserInfo');
  });
});

describe('TencentClient upstream failures', () => {
  const request = { Agent: agent, QrCodeId: DEMO.qrCodeId };
  const action = ChannelCancelMultiFlowSignQRCode.name;

  it.each([
    ['a non-200 status', { status: 502, body: 'Bad Gateway' }, 'http-status', /HTTP 502/],
    ['a body that is not JSON', { body: '<html>oops</html>' }, 'bad-reply', /not JSON/],
    ['JSON that is not a Tencent reply', { body: '{"Response":{}}' }, 'bad-reply', /not a Tencent API reply/],
    ['a dropped connection', { drop: true }, 'network', /could not be reached/],
  ])('turns %s into an upstream failure', async (_name, fault, reason, message) => {
    emulator.current.faults.add({ action, ...fault });
    const result = await client().call(ChannelCancelMultiFlowSignQRCode, request);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'upstream', reason } });
    expect(result.ok || result.failure.message).toMatch(message);
  });

  it('times out after TENCENT_TIMEOUT_MS', async () => {
    emulator.current.faults.add({ action, delayMs: 1_000 });
    const result = await client({ timeoutMs: 200 }).call(ChannelCancelMultiFlowSignQRCode, request);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'upstream', reason: 'timeout' } });
    expect(result.ok || result.failure.message).toContain('200 ms');
  });

  it('counts the wait for a free connection against the deadline', async () => {
    // One connection, held by a slow first call: the second waits for it, and its deadline runs while it waits.
    emulator.current.faults.add({ action, delayMs: 1_000, times: 1 });
    const single = client({ timeoutMs: 300, connections: 1 });
    const [slow, waiting] = await Promise.all([
      single.call(ChannelCancelMultiFlowSignQRCode, request),
      single.call(ChannelCancelMultiFlowSignQRCode, request),
    ]);
    for (const result of [slow, waiting]) {
      expect(result).toMatchObject({ ok: false, failure: { kind: 'upstream', reason: 'timeout' } });
    }
  });

  it('reports a refused connection', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const closed = new TencentClient({
      credentials: TEST_CREDENTIALS,
      endpoints: { ess: `http://127.0.0.1:${port}`, essbasic: `http://127.0.0.1:${port}` },
      timeoutMs: 2000,
    });
    clients.push(closed);
    expect(await closed.call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({
      ok: false,
      failure: { kind: 'upstream', reason: 'network', message: expect.stringContaining('ECONNREFUSED') },
    });
  });

  it('passes scripted Tencent error codes through verbatim', async () => {
    emulator.current.faults.add({ action, code: 'InternalError.DbRead', message: '数据库读取失败。' });
    expect(await client().call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({
      ok: false,
      failure: { kind: 'tencent', code: 'InternalError.DbRead', message: '数据库读取失败。' },
    });
  });
});
