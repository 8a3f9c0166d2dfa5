/**
 * STS over HTTP: the layer's client against the emulator's STS, and Tencent's official SDK against the same STS, so
 * the emulator's reading of AssumeRole and AssumeRoleWithWebIdentity is checked by code this project did not write.
 */
import { OIDCRoleArnCredential, STSCredential } from 'tencentcloud-sdk-nodejs/tencentcloud/common/credential.js';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../src/emulator/server.js';
import { CredentialHttp } from '../../../src/tencent/credentials/http.js';
import { StsClient } from '../../../src/tencent/credentials/sts.js';
import { ManualClock } from '../../support/clock.js';
import { ACCEPTED, answerTo, ROLE_ARN, webIdentityToken } from '../../support/credentials.js';
import { TEST_CREDENTIALS, useEmulator } from '../../support/emulator.js';
import { sdkProfile } from '../../support/sdk.js';

const emulator = useEmulator({ sts: { oidcProviderId: 'tke-oidc' } });
const http = new CredentialHttp(2000);
afterAll(() => http.close());
const sts = () => new StsClient({ http, endpoint: emulator.current.url, now: Date.now });
const session = { roleArn: ROLE_ARN, sessionName: 'esign-test', durationSeconds: 3600 };

/** What the emulator answers a call signed with the temporary credentials the SDK's provider obtained. */
async function sdkAnswer(provider: {
  getCredential(): Promise<{ secretId?: string; secretKey?: string; token?: string }>;
}) {
  const { secretId, secretKey, token } = await provider.getCredential();
  expect(token).toEqual(expect.any(String));
  return answerTo(emulator.current, { secretId: secretId!, secretKey: secretKey!, token: token! });
}

describe('AssumeRole', () => {
  it('answers temporary credentials for a signed request, which the emulator then accepts', async () => {
    const before = Date.now();
    const issued = await sts().assumeRole(TEST_CREDENTIALS, session);
    expect(issued.credentials.token).toEqual(expect.any(String));
    expect(issued.credentials.secretId).not.toBe(TEST_CREDENTIALS.secretId);
    expect(issued.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(await answerTo(emulator.current, issued.credentials)).toBe(ACCEPTED);
  });

  it('is refused when signed with the wrong key, with nothing issued', async () => {
    const count = emulator.current.sts.issuedCount;
    await expect(sts().assumeRole({ ...TEST_CREDENTIALS, secretKey: 'wrong' }, session)).rejects.toMatchObject({
      name: 'StsError',
      code: 'AuthFailure.SignatureFailure',
    });
    expect(emulator.current.sts.issuedCount).toBe(count);
  });

  it.each([
    [{ ...session, roleArn: 'esign-caller' }, 'InvalidParameter.ParamError'],
    [{ ...session, sessionName: 'a b' }, 'InvalidParameter.ParamError'],
    [{ ...session, durationSeconds: 43_201 }, 'InvalidParameter.OverTimeError'],
  ])('refuses %j with a documented code', async (role, code) => {
    await expect(sts().assumeRole(TEST_CREDENTIALS, role)).rejects.toMatchObject({ code });
  });

  it('works for the official SDK’s STSCredential, whose credentials the emulator accepts', async () => {
    const credential = new STSCredential(
      { credential: TEST_CREDENTIALS, profile: sdkProfile('sts', emulator.current.url) },
      { RoleArn: ROLE_ARN, RoleSessionName: 'sdk-session', DurationSeconds: 900 },
    );
    expect(await sdkAnswer(credential)).toBe(ACCEPTED);
  });
});

describe('AssumeRoleWithWebIdentity', () => {
  const oidc = (token: string) => ({ ...session, providerId: 'tke-oidc', webIdentityToken: token });

  it('exchanges a live OIDC token, unsigned, for credentials the emulator accepts', async () => {
    const issued = await sts().assumeRoleWithWebIdentity(
      oidc(webIdentityToken({ exp: Date.now() / 1000 + 600 })),
      'ap-guangzhou',
    );
    expect(await answerTo(emulator.current, issued.credentials)).toBe(ACCEPTED);
  });

  it.each([
    ['an expired token', webIdentityToken({ exp: Date.now() / 1000 - 1 }), 'InvalidParameter.WebIdentityTokenError'],
    ['something that is no JWT', 'not-a-jwt', 'InvalidParameter.WebIdentityTokenError'],
  ])('refuses %s', async (_what, token, code) => {
    await expect(sts().assumeRoleWithWebIdentity(oidc(token), 'ap-guangzhou')).rejects.toMatchObject({ code });
  });

  it('refuses an identity provider it does not know', async () => {
    const token = webIdentityToken({});
    await expect(
      sts().assumeRoleWithWebIdentity({ ...oidc(token), providerId: 'other' }, 'ap-guangzhou'),
    ).rejects.toMatchObject({ code: 'InvalidParameter.ParamError' });
  });

  it('refuses a request that is signed instead of sent with Authorization: SKIP', async () => {
    const body = JSON.stringify({
      ProviderId: 'tke-oidc',
      WebIdentityToken: webIdentityToken({}),
      RoleArn: ROLE_ARN,
      RoleSessionName: 'x1',
    });
    const res = await fetch(emulator.current.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-tc-action': 'AssumeRoleWithWebIdentity',
        'x-tc-version': '2018-08-13',
        'x-tc-timestamp': String(Math.floor(Date.now() / 1000)),
        authorization: `TC3-HMAC-SHA256 Credential=${TEST_CREDENTIALS.secretId}/2024-01-01/sts/tc3_request, SignedHeaders=content-type;host, Signature=${'0'.repeat(64)}`,
      },
      body,
    });
    expect(((await res.json()) as { Response: { Error: { Code: string } } }).Response.Error.Code).toBe(
      'AuthFailure.InvalidAuthorization',
    );
  });

  it('works for the official SDK’s OIDCRoleArnCredential (it sends Authorization: SKIP)', async () => {
    const credential = new OIDCRoleArnCredential(
      {
        credential: { secretId: '', secretKey: '' },
        region: 'ap-guangzhou',
        profile: sdkProfile('sts', emulator.current.url),
      },
      {
        ProviderId: 'tke-oidc',
        WebIdentityToken: webIdentityToken({}),
        RoleArn: ROLE_ARN,
        RoleSessionName: 'sdk-oidc',
      },
    );
    expect(await sdkAnswer(credential)).toBe(ACCEPTED);
  });
});

describe('temporary credentials at the emulator', () => {
  it('are accepted until they expire, then answered AuthFailure.TokenFailure', async () => {
    const clock = new ManualClock();
    const timed = await startEmulator({ credentials: TEST_CREDENTIALS, rateLimitPerSecond: 0, now: clock.now });
    try {
      const issued = timed.sts.issue(ROLE_ARN, 600);
      const credentials = { secretId: issued.secretId, secretKey: issued.secretKey, token: issued.token };
      // The client signs with the same clock, so only the credentials' age differs.
      const answer = () => answerTo(timed, credentials, clock.now);
      const signedAt = (ms: number) => {
        clock.advance(ms);
        return answer();
      };
      expect(await answer()).toBe(ACCEPTED);
      expect(await signedAt(598_000)).toBe(ACCEPTED);
      expect(await signedAt(2_000)).toBe('AuthFailure.TokenFailure');
      // Without the token, or with another one, they are refused even before.
      const fresh = timed.sts.issue(ROLE_ARN, 600);
      const { secretId, secretKey } = fresh;
      expect(await answerTo(timed, { secretId, secretKey }, clock.now)).toBe('AuthFailure.TokenFailure');
      expect(await answerTo(timed, { secretId, secretKey, token: issued.token }, clock.now)).toBe(
        'AuthFailure.TokenFailure',
      );
      expect(await answerTo(timed, { secretId, secretKey, token: fresh.token }, clock.now)).toBe(ACCEPTED);
      // A SecretId it never issued is unknown.
      const unknown = { ...credentials, secretId: 'AKIDTMPNEVERISSUED' };
      expect(await answerTo(timed, unknown, clock.now)).toBe('AuthFailure.SecretIdNotFound');
    } finally {
      await timed.close();
    }
  });
});
