/**
 * The real service (`npm start`'s compiled `dist/main.js`, debug logging on) with a recognisable
 * secret key, driven through success and every failure path reachable over
 * HTTP; then its whole stdout and stderr and every response are searched for
 * the secret, the full ID number and the full name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { freePort } from '../support/ports.js';
import { type ServiceProcess, spawnService } from '../support/process.js';

const CANARY = {
  secretId: 'AKIDCANARY0123456789',
  secretKey: 'canary-secret-key-9f27c1d4e8b3',
  token: 'canary-session-token-57ad02e9',
};
const PERSON = { name: '欧阳明月', idCardType: 'ID_CARD', idCardNumber: '11010519491231002X' };
const SCENE = 'E_PRESCRIPTION_AUTO_SIGN';
const OPERATOR = 'yDRCLUUgygq2xun5UuO4zjEwg0vjoimj';

/** What must never be seen: the secrets, and the personal data in full (or any long run of the ID number). */
const FORBIDDEN = [CANARY.secretKey, CANARY.token, PERSON.name, PERSON.idCardNumber, PERSON.idCardNumber.slice(2, -2)];

const emulator = useEmulator({ credentials: CANARY });

let service: ServiceProcess;
const responses: string[] = [];

beforeAll(async () => {
  service = await spawnService(emulator.current, {
    DEBUG: '1',
    TENCENTCLOUD_SECRET_ID: CANARY.secretId,
    TENCENTCLOUD_SECRET_KEY: CANARY.secretKey,
    TENCENTCLOUD_SESSION_TOKEN: CANARY.token,
    TENCENT_ESSBASIC_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    TENCENT_TIMEOUT_MS: '500',
    TENCENT_RATE_LIMIT_MAX_WAIT_MS: '200',
  });
}, 20_000);

afterAll(() => service.stop());

async function post(body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  responses.push(text);
  return JSON.parse(text) as Record<string, unknown>;
}

const CANCEL = `mutation ($input: CancelUserAutoSignEnableUrlInput!) {
  result: cancelUserAutoSignEnableUrl(input: $input) {
    __typename ... on Error { message } ... on TencentError { code } ... on ValidationError { issues { path message } }
  }
}`;
const cancel = (userInfo: object) =>
  post({ query: CANCEL, variables: { input: { operator: { userId: OPERATOR }, sceneKey: SCENE, userInfo } } });
const typename = (response: Record<string, unknown>) =>
  (response as { data?: { result?: { __typename?: string } } }).data?.result?.__typename;

describe('no secret or personal data leaves the process', () => {
  it('drives success and every failure path', async () => {
    emulator.current.state.createAutoSignLink({ sceneKey: SCENE, ...PERSON });
    expect(typename(await cancel(PERSON))).toBe('CancelUserAutoSignEnableUrlSuccess');
    expect(typename(await cancel(PERSON))).toBe('AutoSignEnableUrlNotFoundError');

    // Tencent errors whose messages (as real ones may) repeat what was sent.
    for (const code of ['InvalidParameterValue', 'InternalError', 'AuthFailure.SignatureFailure']) {
      emulator.current.faults.add({ code, message: `bad value for IdCardNumber` });
      expect(typename(await cancel(PERSON))).toMatch(/Error$/);
    }

    // Validation: each rule broken with the personal data in the request.
    expect(typename(await cancel({ ...PERSON, idCardNumber: `${PERSON.idCardNumber}0` }))).toBe('ValidationError');
    expect(typename(await cancel({ ...PERSON, idCardType: 'HONGKONG_AND_MACAO' }))).toBe('ValidationError');

    // Upstream: time-out, HTTP 503, a dropped connection, an unreachable endpoint.
    emulator.current.faults.add({ delayMs: 1_000 });
    expect(typename(await cancel(PERSON))).toBe('UpstreamUnavailableError');
    emulator.current.faults.add({ status: 503, body: 'unavailable' });
    expect(typename(await cancel(PERSON))).toBe('UpstreamUnavailableError');
    emulator.current.faults.add({ drop: true });
    expect(typename(await cancel(PERSON))).toBe('UpstreamUnavailableError');
    const unreachable = await post({
      query: `mutation { result: channelCancelMultiFlowSignQRCode(input: {
        agent: { appId: "app", proxyOrganizationOpenId: "org", proxyOperator: { openId: "op" } }, qrCodeId: "${'Q'.repeat(32)}"
      }) { __typename } }`,
    });
    expect(typename(unreachable)).toBe('UpstreamUnavailableError');

    // Malformed requests: a wrongly typed variable, a bad enum, a syntax error, an unknown field.
    expect((await cancel({ ...PERSON, idCardNumber: 110105194912310020 })).errors).toBeDefined();
    expect((await cancel({ ...PERSON, idCardType: PERSON.idCardNumber })).errors).toBeDefined();
    expect(
      (await post({ query: `mutation { cancelUserAutoSignEnableUrl(input: { userInfo: { name: "${PERSON.name}"` }))
        .errors,
    ).toBeDefined();
    expect((await post({ query: `{ ${PERSON.name} }`, variables: { secret: CANARY.secretKey } })).errors).toBeDefined();
  });

  it('never showed the secret, the session token, the full name or the full ID number', async () => {
    await service.stop();
    const output = service.output();
    expect(output).toContain('GraphQL endpoint');
    // Every response of the test above, so this cannot pass on an empty list when run alone.
    expect(responses).toHaveLength(15);
    for (const text of [output, ...responses]) {
      for (const forbidden of FORBIDDEN) expect(text).not.toContain(forbidden);
    }
  });
});
