/**
 * The emulator's signature check, fed requests the client did not sign: built in the test by the
 * documentation's rules, each accepted as Tencent would accept it or refused with Tencent's code.
 */
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import { type DocPost, docPost, docSignedHeaders } from '../support/doc-signed.js';
import { TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';

const emulator = useEmulator();
const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };
const agent = {
  AppId: DEMO.appId,
  ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  ProxyOperator: { OpenId: 'n9527' },
};

/** A cancel of a fresh QR code: success means the signature was accepted. */
function cancel(overrides: Partial<DocPost> = {}): DocPost {
  const QrCodeId = emulator.current.state.createQrCode(owner, 7).id;
  return {
    action: 'ChannelCancelMultiFlowSignQRCode',
    service: 'essbasic',
    body: JSON.stringify({ QrCodeId, Agent: { ...agent, ProxyAppId: '' } }),
    ...overrides,
  };
}
const post = (request: DocPost) => docPost(emulator.current.url, request);
const code = async (request: DocPost) => (await post(request)).Response.Error?.Code;

describe('requests signed by the documentation’s rules are accepted', () => {
  it('with x-tc-action signed and its value lower-cased, as in the worked example', async () => {
    const reply = await post(cancel());
    expect(reply).toMatchObject({ status: 200, Response: { RequestId: expect.any(String) } });
    expect(reply.Response.Error).toBeUndefined();
  });

  it('with only content-type and host signed, as the official SDKs sign', async () => {
    expect(await code(cancel({ sign: ['content-type', 'host'] }))).toBeUndefined();
  });

  it('with more headers signed, values trimmed and lower-cased', async () => {
    const extra = { 'x-tc-region': 'ap-Guangzhou', 'x-tc-language': 'zh-CN' };
    const signed = [
      'content-type',
      'host',
      'x-tc-action',
      'x-tc-language',
      'x-tc-region',
      'x-tc-timestamp',
      'x-tc-version',
    ];
    expect(await code(cancel({ extra, sign: signed }))).toBeUndefined();
    expect(await code(cancel({ headers: { 'content-type': '  application/json; charset=UTF-8 ' } }))).toBe(
      'AuthFailure.SignatureFailure', // the value signed was application/json: what is signed must be what is sent
    );
  });

  it('with a charset in the content type, signed as sent', async () => {
    const request = cancel({ extra: { 'content-type': 'application/json; charset=utf-8' } });
    expect(await code(request)).toBeUndefined();
  });

  it('for ess as well as essbasic', async () => {
    emulator.current.state.createAutoSignLink({ sceneKey: 'OTHER', ...DEMO.pendingUser });
    const body = JSON.stringify({
      Operator: { UserId: DEMO.essOperatorUserId },
      SceneKey: 'OTHER',
      UserInfo: { Name: DEMO.pendingUser.name, IdCardType: 'ID_CARD', IdCardNumber: DEMO.pendingUser.idCardNumber },
    });
    expect(await code({ action: 'CancelUserAutoSignEnableUrl', service: 'ess', body })).toBeUndefined();
  });

  it('with the Go and Python SDKs’ UNSIGNED-PAYLOAD, whatever the body', async () => {
    const request = cancel({ extra: { 'x-tc-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(await code({ ...request, body: 'UNSIGNED-PAYLOAD', sendBody: request.body })).toBeUndefined();
  });
});

describe('requests Tencent would refuse are refused', () => {
  it('the action signed in its own case, as the client once did, not lower-cased: SignatureFailure', async () => {
    expect(await code(cancel({ keepValueCase: true }))).toBe('AuthFailure.SignatureFailure');
    // content-type and host are lower case already, so without x-tc-action the two forms agree.
    expect(await code(cancel({ keepValueCase: true, sign: ['content-type', 'host'] }))).toBeUndefined();
  });

  it.each<[string, Partial<DocPost>, string]>([
    ['the wrong secret key', { secretKey: 'not-the-key' }, 'AuthFailure.SignatureFailure'],
    ['an unknown SecretId', { secretId: 'AKIDSOMEONEELSE' }, 'AuthFailure.SecretIdNotFound'],
    ['another service in the credential scope', { scope: { service: 'ess' } }, 'AuthFailure.SignatureFailure'],
    [
      'a credential date that is not the timestamp’s UTC date',
      { scope: { date: '2019-02-25' } },
      'AuthFailure.SignatureFailure',
    ],
    ['a body changed after signing', { sendBody: '{"QrCodeId":"x"}' }, 'AuthFailure.SignatureFailure'],
    [
      'a signed header changed after signing',
      { headers: { 'x-tc-action': 'ChannelCreateMultiFlowSignQRCode' } },
      'AuthFailure.SignatureFailure',
    ],
    ['a timestamp six minutes old', { timestamp: Math.floor(Date.now() / 1000) - 360 }, 'AuthFailure.SignatureExpire'],
    [
      'a timestamp six minutes ahead',
      { timestamp: Math.floor(Date.now() / 1000) + 360 },
      'AuthFailure.SignatureExpire',
    ],
    ['no Authorization header', { headers: { authorization: null } }, 'AuthFailure.InvalidAuthorization'],
    [
      'another algorithm',
      { headers: { authorization: 'TC3-HMAC-SHA1 Credential=x' } },
      'AuthFailure.InvalidAuthorization',
    ],
    ['SignedHeaders without host', { sign: ['content-type', 'x-tc-action'] }, 'AuthFailure.InvalidAuthorization'],
    [
      'a signed header that was not sent',
      { sign: ['content-type', 'host', 'x-tc-region'] },
      'AuthFailure.SignatureFailure',
    ],
    ['no X-TC-Timestamp', { headers: { 'x-tc-timestamp': null } }, 'MissingParameter'],
    ['an X-TC-Timestamp that is not an integer', { headers: { 'x-tc-timestamp': '1.7e9' } }, 'InvalidParameter'],
    ['an X-TC-Token with long-term credentials', { headers: { 'x-tc-token': 'stray' } }, 'AuthFailure.TokenFailure'],
  ])('%s', async (_name, overrides, expected) => {
    expect(await code(cancel(overrides))).toBe(expected);
  });

  it('SignedHeaders out of ASCII order or in upper case: InvalidAuthorization', async () => {
    const request = cancel();
    const authorization = docSignedHeaders(emulator.current.url, request).authorization!;
    for (const list of ['host;content-type;x-tc-action', 'Content-Type;Host;X-TC-Action']) {
      const bent = authorization.replace('SignedHeaders=content-type;host;x-tc-action', `SignedHeaders=${list}`);
      expect(await code({ ...request, headers: { authorization: bent } })).toBe('AuthFailure.InvalidAuthorization');
    }
  });

  it('temporary credentials: the token must come with the request', async () => {
    const credentials = { ...TEST_CREDENTIALS, token: 'session-token' };
    const tokenEmulator = await startEmulator({ credentials, rateLimitPerSecond: 0 });
    try {
      const QrCodeId = tokenEmulator.state.createQrCode(owner, 7).id;
      const request = { ...cancel(), body: JSON.stringify({ QrCodeId, Agent: agent }) };
      expect((await docPost(tokenEmulator.url, request)).Response.Error?.Code).toBe('AuthFailure.TokenFailure');
      const withToken = { ...request, headers: { 'x-tc-token': 'session-token' } };
      expect((await docPost(tokenEmulator.url, withToken)).Response.Error).toBeUndefined();
    } finally {
      await tokenEmulator.close();
    }
  });

  it('judges the five minutes by the emulator’s clock, not the caller’s', async () => {
    let now = Date.parse('2024-03-12T00:00:00Z');
    const timed = await startEmulator({ credentials: TEST_CREDENTIALS, rateLimitPerSecond: 0, now: () => now });
    try {
      const timestamp = Math.floor(now / 1000);
      const QrCodeId = timed.state.createQrCode(owner, 7).id;
      const request = { ...cancel(), body: JSON.stringify({ QrCodeId, Agent: agent }), timestamp };
      now += 300_000;
      // Exactly five minutes: still accepted.
      expect((await docPost(timed.url, request)).Response.Error?.Code).toBeUndefined();
      now += 1_000;
      expect((await docPost(timed.url, request)).Response.Error?.Code).toBe('AuthFailure.SignatureExpire');
    } finally {
      await timed.close();
    }
  });
});
