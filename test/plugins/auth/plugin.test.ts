/**
 * Caller authentication and operator binding over real HTTP: a production
 * service (NODE_ENV=production) in front of the emulator, bearer tokens
 * verified against a JWKS served by a local HTTP server, and API keys. Every
 * refusal is checked to have sent nothing to Tencent.
 */
import { UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/emulator/seed.js';
import { apiKeyDigest } from '../../../src/plugins/auth/api-keys.js';
import type { RunningService } from '../../../src/server/service.js';
import {
  AUDIENCE,
  ISSUER,
  type JwksServer,
  type RecordingProxy,
  signToken,
  startJwks,
  startRecordingProxy,
} from '../../support/auth.js';
import { useEmulator } from '../../support/emulator.js';
import { post, serviceFor } from '../../support/service.js';

const emulator = useEmulator();
let jwks: JwksServer;
let proxy: RecordingProxy;
let service: RunningService;

const OTHER_OPERATOR = 'someoneElsesOperatorUserId000000';
const CONFIGURED_OPERATOR = 'theConfiguredOperatorUserId00000';
const BOUND_KEY = 'esk_bound-test-key';
const UNRESTRICTED_KEY = 'esk_unrestricted-test-key';

/** The claims of a clinic employee allowed to act as the demo ESS operator and the demo essbasic operator. */
const claims = {
  ess_operator_user_id: DEMO.essOperatorUserId,
  essbasic_proxy_organization_open_id: DEMO.proxyOrganizationOpenId,
  essbasic_proxy_operator_open_id: DEMO.proxyOperatorOpenId,
};

beforeAll(async () => {
  jwks = await startJwks();
  proxy = await startRecordingProxy(emulator.current.url);
  service = await serviceFor(emulator.current, {
    NODE_ENV: 'production',
    TENCENT_ESS_ENDPOINT: proxy.url,
    TENCENT_ESSBASIC_ENDPOINT: proxy.url,
    TENCENT_ESS_OPERATOR_USER_ID: CONFIGURED_OPERATOR,
    TENCENT_ESSBASIC_APP_ID: DEMO.appId,
    AUTH_JWKS_URL: jwks.url,
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
    AUTH_JWT_CLOCK_TOLERANCE_SECONDS: '5',
    AUTH_API_KEYS: JSON.stringify([
      { name: 'billing', sha256: apiKeyDigest(BOUND_KEY), essOperatorUserId: DEMO.essOperatorUserId },
      { name: 'back-office', sha256: apiKeyDigest(UNRESTRICTED_KEY), unrestricted: true },
    ]),
    CORS_ORIGINS: 'https://app.example.test',
  });
});
afterAll(async () => {
  await service.close();
  await proxy.close();
  await jwks.close();
});
beforeEach(() => {
  proxy.bodies.length = 0;
});

const SELECTION = '{ __typename ... on Error { message } ... on TencentError { code } }';
const CANCEL_AUTO_SIGN = `mutation ($input: CancelUserAutoSignEnableUrlInput!) { result: cancelUserAutoSignEnableUrl(input: $input) ${SELECTION} }`;
const CANCEL_QR = `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { result: channelCancelMultiFlowSignQRCode(input: $input) ${SELECTION} }`;

let people = 0;
/** A person with a pending enablement link, so a cancel that reaches Tencent succeeds. */
function personWithLink() {
  const person = {
    name: `绑定${++people}`,
    idCardType: 'ID_CARD' as const,
    idCardNumber: `11010519900101${String(people).padStart(3, '0')}X`,
  };
  emulator.current.state.createAutoSignLink({ sceneKey: DEMO.sceneKey, ...person });
  return person;
}

const autoSign = (extra: object = {}) => ({ sceneKey: DEMO.sceneKey, userInfo: personWithLink(), ...extra });

function qrInput(agent: object = {}) {
  const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };
  const qrCodeId = emulator.current.state.createQrCode(owner, 7).id;
  return {
    agent: {
      proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
      proxyOperator: { openId: DEMO.proxyOperatorOpenId },
      ...agent,
    },
    qrCodeId,
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function expectUnauthenticated(headers: Record<string, string>, message: RegExp) {
  const res = await post(service.url, { query: CANCEL_AUTO_SIGN, variables: { input: autoSign() } }, headers);
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toEqual([
    { message: expect.stringMatching(message), extensions: { code: 'UNAUTHENTICATED' } },
  ]);
  expect(proxy.bodies).toEqual([]);
}

describe('a production service refuses unauthenticated callers with HTTP 401', () => {
  it('without any credential', async () => {
    await expectUnauthenticated(
      {},
      /^Authentication required: send `Authorization: Bearer <token>` or `X-API-Key: <key>`/,
    );
    const query = await post(service.url, { query: '{ mode }' });
    expect(query.status).toBe(401);
  });

  it('with a token whose signature does not verify', async () => {
    await expectUnauthenticated(bearer(await jwks.sign(claims, { forgedKey: true })), /not accepted/);
  });

  it('with a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await jwks.sign(claims)).split('.');
    const payload = Buffer.from(
      JSON.stringify({ ...claims, ess_operator_user_id: OTHER_OPERATOR, iss: ISSUER, aud: AUDIENCE, exp: 2e9 }),
    ).toString('base64url');
    await expectUnauthenticated(bearer(`${header}.${payload}.${signature}`), /not accepted/);
  });

  it('with an expired token, beyond the clock tolerance', async () => {
    await expectUnauthenticated(
      bearer(await jwks.sign(claims, { expiresIn: -30 })),
      /^The bearer token has expired\.$/,
    );
  });

  it('with a token for another audience or from another issuer', async () => {
    await expectUnauthenticated(bearer(await jwks.sign(claims, { audience: 'another-api' })), /not accepted/);
    await expectUnauthenticated(
      bearer(await jwks.sign(claims, { issuer: 'https://evil.example.test/' })),
      /not accepted/,
    );
  });

  it('with an unsigned token (alg none) or one HMAC-signed with the public key', async () => {
    const unsigned = new UnsecuredJWT(claims).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').encode();
    await expectUnauthenticated(bearer(unsigned), /not accepted/);
    const publicJwks = (await (await fetch(jwks.url)).json()) as { keys: { n: string }[] };
    const hmac = await signToken(new TextEncoder().encode(publicJwks.keys[0]!.n), 'HS256', claims);
    await expectUnauthenticated(bearer(hmac), /not accepted/);
  });

  it('with a token without an expiry', async () => {
    await expectUnauthenticated(bearer(await jwks.sign(claims, { expiresIn: null })), /not accepted/);
  });

  it('with a token without a subject, or whose subject is not a non-blank string', async () => {
    await expectUnauthenticated(bearer(await jwks.sign(claims, { subject: null })), /not accepted/);
    await expectUnauthenticated(
      bearer(await jwks.sign({ ...claims, sub: { a: 1 } }, { subject: null })),
      /not accepted/,
    );
    await expectUnauthenticated(bearer(await jwks.sign({ ...claims, sub: 42 }, { subject: null })), /not accepted/);
    await expectUnauthenticated(bearer(await jwks.sign(claims, { subject: '  ' })), /not accepted/);
  });

  it('with a token not valid yet, or issued in the future, beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectUnauthenticated(bearer(await jwks.sign({ ...claims, nbf: now + 600 })), /not accepted/);
    await expectUnauthenticated(bearer(await jwks.sign(claims, { issuedIn: 600 })), /not accepted/);
  });

  it('with a mapped claim that is not a string', async () => {
    await expectUnauthenticated(bearer(await jwks.sign({ ...claims, ess_operator_user_id: 42 })), /not accepted/);
  });

  it('with an unknown API key, a malformed Authorization header, or two credentials at once', async () => {
    await expectUnauthenticated({ 'x-api-key': 'esk_guessed' }, /not accepted/);
    await expectUnauthenticated({ authorization: 'Basic dXNlcjpwYXNz' }, /not accepted/);
    await expectUnauthenticated({ ...bearer(await jwks.sign(claims)), 'x-api-key': BOUND_KEY }, /^Send one credential/);
  });
});

describe('an authenticated caller acts only as its own Tencent identity', () => {
  it('cancels with the operator from its token, over the configured one, when the input names none', async () => {
    const res = await post(
      service.url,
      { query: CANCEL_AUTO_SIGN, variables: { input: autoSign() } },
      bearer(await jwks.sign(claims)),
    );
    expect(res.status).toBe(200);
    expect(res.body.data!.result).toEqual({ __typename: 'CancelUserAutoSignEnableUrlSuccess' });
    expect(proxy.bodies).toMatchObject([{ Operator: { UserId: DEMO.essOperatorUserId } }]);
  });

  it('accepts an input that repeats its own operator', async () => {
    const input = autoSign({ operator: { userId: DEMO.essOperatorUserId } });
    const res = await post(
      service.url,
      { query: CANCEL_AUTO_SIGN, variables: { input } },
      bearer(await jwks.sign(claims)),
    );
    expect(res.body.data!.result).toEqual({ __typename: 'CancelUserAutoSignEnableUrlSuccess' });
  });

  it('cannot cancel for another operator: CallerNotAllowedError, nothing sent', async () => {
    const input = autoSign({ operator: { userId: OTHER_OPERATOR } });
    const callsBefore = emulator.current.calls.length;
    const res = await post(
      service.url,
      { query: CANCEL_AUTO_SIGN, variables: { input } },
      bearer(await jwks.sign(claims)),
    );
    expect(res.status).toBe(200);
    const result = res.body.data!.result!;
    expect(result).toEqual({
      __typename: 'CallerNotAllowedError',
      message: expect.stringContaining('input.operator.userId'),
    });
    expect(result.message).not.toContain(OTHER_OPERATOR);
    expect(result.message).not.toContain(DEMO.essOperatorUserId);
    expect(proxy.bodies).toEqual([]);
    expect(emulator.current.calls).toHaveLength(callsBefore);
  });

  it('binds the sub-enterprise when its token names one', async () => {
    const token = await jwks.sign({ ...claims, ess_proxy_organization_id: 'subsidiary-a' });
    const other = await post(
      service.url,
      { query: CANCEL_AUTO_SIGN, variables: { input: autoSign({ agent: { proxyOrganizationId: 'subsidiary-b' } }) } },
      bearer(token),
    );
    expect(other.body.data!.result).toMatchObject({
      __typename: 'CallerNotAllowedError',
      message: expect.stringContaining('input.agent.proxyOrganizationId'),
    });
    expect(proxy.bodies).toEqual([]);
    await post(service.url, { query: CANCEL_AUTO_SIGN, variables: { input: autoSign() } }, bearer(token));
    expect(proxy.bodies).toMatchObject([{ Agent: { ProxyOrganizationId: 'subsidiary-a' } }]);
  });

  it('cannot cancel another organisation’s or operator’s QR code', async () => {
    const token = bearer(await jwks.sign(claims));
    const org = await post(
      service.url,
      { query: CANCEL_QR, variables: { input: qrInput({ proxyOrganizationOpenId: 'org_competitor' }) } },
      token,
    );
    expect(org.body.data!.result).toMatchObject({
      __typename: 'CallerNotAllowedError',
      message: expect.stringContaining('input.agent.proxyOrganizationOpenId'),
    });
    const operator = await post(
      service.url,
      { query: CANCEL_QR, variables: { input: qrInput({ proxyOperator: { openId: 'intruder' } }) } },
      token,
    );
    expect(operator.body.data!.result).toMatchObject({
      __typename: 'CallerNotAllowedError',
      message: expect.stringContaining('input.agent.proxyOperator.openId'),
    });
    expect(proxy.bodies).toEqual([]);
    const own = await post(service.url, { query: CANCEL_QR, variables: { input: qrInput() } }, token);
    expect(own.body.data!.result).toEqual({ __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess' });
  });

  it('refuses an action its token holds no identity for, even though configuration has a default', async () => {
    const essOnly = bearer(await jwks.sign({ ess_operator_user_id: DEMO.essOperatorUserId }));
    const qr = await post(service.url, { query: CANCEL_QR, variables: { input: qrInput() } }, essOnly);
    expect(qr.body.data!.result).toMatchObject({
      __typename: 'CallerNotAllowedError',
      message: expect.stringContaining('not bound'),
    });
    const noClaims = bearer(await jwks.sign({}));
    const link = await post(service.url, { query: CANCEL_AUTO_SIGN, variables: { input: autoSign() } }, noClaims);
    expect(link.body.data!.result).toMatchObject({
      __typename: 'CallerNotAllowedError',
      message: expect.stringContaining('ESS operator'),
    });
    expect(proxy.bodies).toEqual([]);
  });

  it('binds an API key to the identities configured for it', async () => {
    const own = await post(
      service.url,
      { query: CANCEL_AUTO_SIGN, variables: { input: autoSign() } },
      { 'x-api-key': BOUND_KEY },
    );
    expect(own.body.data!.result).toEqual({ __typename: 'CancelUserAutoSignEnableUrlSuccess' });
    const other = await post(
      service.url,
      { query: CANCEL_AUTO_SIGN, variables: { input: autoSign({ operator: { userId: OTHER_OPERATOR } }) } },
      { 'x-api-key': BOUND_KEY },
    );
    expect(other.body.data!.result).toMatchObject({ __typename: 'CallerNotAllowedError' });
    expect(proxy.bodies).toMatchObject([{ Operator: { UserId: DEMO.essOperatorUserId } }]);
  });

  it('lets an unrestricted API key name the operator, or fall back to the configured one', async () => {
    const key = { 'x-api-key': UNRESTRICTED_KEY };
    await post(
      service.url,
      { query: CANCEL_AUTO_SIGN, variables: { input: autoSign({ operator: { userId: OTHER_OPERATOR } }) } },
      key,
    );
    await post(service.url, { query: CANCEL_AUTO_SIGN, variables: { input: autoSign() } }, key);
    expect(proxy.bodies).toMatchObject([
      { Operator: { UserId: OTHER_OPERATOR } },
      { Operator: { UserId: CONFIGURED_OPERATOR } },
    ]);
  });
});

describe('idempotency records belong to what a caller may do', () => {
  it('a subject whose token binds another operator neither replays nor blocks the first token’s record', async () => {
    const key = { 'idempotency-key': 'shared-key-0123456789' };
    const input = autoSign();
    const first = bearer(await jwks.sign(claims));
    const other = bearer(await jwks.sign({ ...claims, ess_operator_user_id: OTHER_OPERATOR }));
    const request = { query: CANCEL_AUTO_SIGN, variables: { input } };
    const a = await post(service.url, request, { ...first, ...key });
    expect(a.body.data!.result).toEqual({ __typename: 'CancelUserAutoSignEnableUrlSuccess' });
    // Same subject, same key, same body: its own call, under its own operator, not the first one's result.
    const b = await post(service.url, request, { ...other, ...key });
    expect(b.status).toBe(200);
    expect(b.body.extensions).toBeUndefined();
    expect(proxy.bodies).toMatchObject([
      { Operator: { UserId: DEMO.essOperatorUserId } },
      { Operator: { UserId: OTHER_OPERATOR } },
    ]);
    // And the first token's record is still its own.
    const again = await post(service.url, request, { ...first, ...key });
    expect(again.body).toEqual({ ...a.body, extensions: { idempotentReplay: true } });
    expect(proxy.bodies).toHaveLength(2);
  });
});

describe('browser rules in production', () => {
  const preflight = (origin: string) =>
    fetch(service.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it('refuses a CORS preflight from an origin not in CORS_ORIGINS', async () => {
    const res = await preflight('https://evil.example.test');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('allows a listed origin to send the Authorization header, without cookies', async () => {
    const res = await preflight('https://app.example.test');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses a GET that a page could send without a preflight, even with a valid token', async () => {
    const url = `${service.url}?query=${encodeURIComponent('{ mode }')}`;
    const res = await fetch(url, { headers: { accept: 'application/json', ...bearer(await jwks.sign(claims)) } });
    expect(res.status).toBe(403);
    const withHeader = await fetch(url, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1', ...bearer(await jwks.sign(claims)) },
    });
    expect(await withHeader.json()).toEqual({ data: { mode: 'PRODUCTION' } });
  });
});

describe('a shared HS256 secret instead of a key set', () => {
  const SECRET = new TextEncoder().encode('a-shared-secret-of-at-least-32-characters');
  let secretService: RunningService;
  beforeAll(async () => {
    secretService = await serviceFor(emulator.current, {
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: new TextDecoder().decode(SECRET),
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(async () => {
    await secretService.close();
  });

  it('accepts a token signed with the secret and refuses one signed with another', async () => {
    const good = await post(secretService.url, { query: '{ mode }' }, bearer(await signToken(SECRET, 'HS256', claims)));
    expect(good.body).toEqual({ data: { mode: 'PRODUCTION' } });
    const other = new TextEncoder().encode('another-secret-that-is-also-32-characters');
    const bad = await post(secretService.url, { query: '{ mode }' }, bearer(await signToken(other, 'HS256', claims)));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('refuses an API key when none are configured', async () => {
    const res = await post(secretService.url, { query: '{ mode }' }, { 'x-api-key': BOUND_KEY });
    expect(res.status).toBe(401);
    expect(res.body.errors![0]!.message).toBe('The credential was not accepted; send `Authorization: Bearer <token>`.');
  });
});

describe('a key set that cannot be fetched', () => {
  it('answers 503 AUTHENTICATION_UNAVAILABLE, not 401, and sends nothing', async () => {
    const closed = await startJwks();
    await closed.close();
    const unreachable = await serviceFor(emulator.current, {
      NODE_ENV: 'production',
      TENCENT_ESS_ENDPOINT: proxy.url,
      AUTH_JWKS_URL: closed.url,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    });
    try {
      const res = await post(
        unreachable.url,
        { query: CANCEL_AUTO_SIGN, variables: { input: autoSign() } },
        bearer(await closed.sign(claims)),
      );
      expect(res.status).toBe(503);
      expect(res.body.errors).toEqual([
        {
          message: expect.stringMatching(/cannot be verified right now/),
          extensions: { code: 'AUTHENTICATION_UNAVAILABLE' },
        },
      ]);
      expect(proxy.bodies).toEqual([]);
    } finally {
      await unreachable.close();
    }
  });
});
