import { createServer } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import type { AttemptControl, AttemptHandle } from '../../src/tencent/caller/types.js';
import { TencentClient, type TencentClientOptions } from '../../src/tencent/client.js';
import { CancelUserAutoSignEnableUrl, CreateUserAutoSignEnableUrl } from '../../src/tencent/ess.js';
import { ChannelCancelMultiFlowSignQRCode, ChannelCreateMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';
import { clientFor, TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';
import {
  answerSuccess,
  type Behaviour,
  type ScriptedUpstream,
  startScriptedUpstream,
} from '../support/scripted-upstream.js';

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
      failure: {
        kind: 'upstream',
        reason: 'network',
        message: expect.stringContaining('ECONNREFUSED'),
        outcomeUnknown: false,
      },
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

describe('TencentClient against a stand-in that does what the test says', () => {
  const request = { Agent: agent, QrCodeId: DEMO.qrCodeId };
  let upstream: ScriptedUpstream;
  beforeEach(async () => {
    upstream = await startScriptedUpstream();
  });
  afterEach(() => upstream.close());
  const standIn = (overrides: Partial<TencentClientOptions> = {}) => {
    const c = new TencentClient({
      credentials: TEST_CREDENTIALS,
      endpoints: { ess: upstream.url, essbasic: upstream.url },
      timeoutMs: 5_000,
      ...overrides,
    });
    clients.push(c);
    return c;
  };
  /** Records the attempt the client hands over, as the chain does. */
  const tracked = () => {
    const seen: { handle: AttemptHandle | undefined; writtenBeforeAnswer: boolean } = {
      handle: undefined,
      writtenBeforeAnswer: false,
    };
    const control: AttemptControl = {
      running(handle) {
        if (handle) seen.handle = handle;
      },
      written() {
        seen.writtenBeforeAnswer = seen.handle?.written === true;
      },
    };
    return { seen, control };
  };
  const hang: Behaviour = () => {};

  it('sends X-TC-Language when asked, unsigned as in the official SDK', async () => {
    await standIn().call(ChannelCancelMultiFlowSignQRCode, request, { language: 'en-US' });
    await standIn().call(ChannelCancelMultiFlowSignQRCode, request);
    const [withLanguage, without] = upstream.arrivals;
    expect(withLanguage!.headers['x-tc-language']).toBe('en-US');
    expect(without!.headers['x-tc-language']).toBeUndefined();
    expect(withLanguage!.headers.authorization).toContain('SignedHeaders=content-type;host;x-tc-action,');
  });

  it('answers a call stopped while it waits for a connection as not sent, and never sends it', async () => {
    upstream.next = [hang];
    const single = standIn({ connections: 1 });
    const first = tracked();
    const second = tracked();
    const holding = single.call(ChannelCancelMultiFlowSignQRCode, request, { control: first.control });
    const waiting = single.call(ChannelCancelMultiFlowSignQRCode, request, { control: second.control });
    await upstream.arrived(1);
    expect(first.seen.handle?.written).toBe(true);
    expect(first.seen.writtenBeforeAnswer).toBe(true);
    expect(second.seen.handle?.written).toBe(false);
    second.seen.handle!.abort('shutdown');
    expect(await waiting).toMatchObject({ ok: false, failure: { reason: 'shutdown', outcomeUnknown: false } });

    first.seen.handle!.abort('shutdown');
    expect(await holding).toMatchObject({ ok: false, failure: { reason: 'shutdown', outcomeUnknown: true } });
    // The connection is free again: a third call goes through, and the stopped one was never written.
    expect(await single.call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({ ok: true });
    expect(upstream.arrivals).toHaveLength(2);
  });

  it('times out a call still waiting for a connection as not sent, and one written as outcome unknown', async () => {
    upstream.next = [hang];
    const single = standIn({ connections: 1 });
    const [written, unwritten] = await Promise.all([
      single.call(ChannelCancelMultiFlowSignQRCode, request, { timeoutMs: 300 }),
      single.call(ChannelCancelMultiFlowSignQRCode, request, { timeoutMs: 100 }),
    ]);
    expect(unwritten).toMatchObject({ ok: false, failure: { reason: 'timeout', outcomeUnknown: false } });
    expect(written).toMatchObject({ ok: false, failure: { reason: 'timeout', outcomeUnknown: true } });
    expect(written.ok || written.failure.message).toContain('300 ms');
  });

  it('answers a connection reset after the request was written as outcome unknown', async () => {
    upstream.next = [(res) => res.socket?.destroy()];
    expect(await standIn().call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({
      ok: false,
      failure: { kind: 'upstream', reason: 'network', outcomeUnknown: true },
    });
  });

  it('stops reading a chunked reply larger than any Tencent reply', async () => {
    upstream.next = [
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 20; i++) res.write(chunk);
        res.end();
      },
    ];
    const result = await standIn().call(ChannelCancelMultiFlowSignQRCode, request);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'bad-reply', outcomeUnknown: true } });
    expect(result.ok || result.failure.message).toMatch(/more than a Tencent reply can be/);
  });

  it('reads a slow answer that comes within the time-out', async () => {
    upstream.next = [(res, arrival) => setTimeout(() => answerSuccess(res, arrival), 150)];
    expect(await standIn().call(ChannelCancelMultiFlowSignQRCode, request, { timeoutMs: 2_000 })).toMatchObject({
      ok: true,
      requestId: 'stand-in-request',
    });
  });

  it('turns a garbled status line into a network failure whose outcome is unknown', async () => {
    upstream.next = [(res) => res.socket?.end('HTTP/1.1 ??? garbage\r\n\r\n')];
    expect(await standIn().call(ChannelCancelMultiFlowSignQRCode, request)).toMatchObject({
      ok: false,
      failure: { kind: 'upstream', reason: 'network', outcomeUnknown: true },
    });
  });
});
