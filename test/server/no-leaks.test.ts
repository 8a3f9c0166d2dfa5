/**
 * The real service (`tsx src/main.ts`, debug logging on) with a recognisable
 * secret key, driven through success and every failure path reachable over
 * HTTP; then its whole stdout and stderr and every response are searched for
 * the secret, the full ID number and the full name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { EMPTY_HOME } from '../support/service.js';

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

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let child: ChildProcess;
let closed: Promise<void>;
let output = '';
let url: string;
const responses: string[] = [];

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: EMPTY_HOME,
      PORT: '0',
      DEBUG: '1',
      TENCENTCLOUD_SECRET_ID: CANARY.secretId,
      TENCENTCLOUD_SECRET_KEY: CANARY.secretKey,
      TENCENTCLOUD_SESSION_TOKEN: CANARY.token,
      TENCENT_ESS_ENDPOINT: emulator.current.url,
      TENCENT_ESSBASIC_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      TENCENT_TIMEOUT_MS: '500',
    },
  });
  closed = new Promise((resolve) => child.once('close', () => resolve()));
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line in: ${output}`)), 15_000);
    child.stdout!.on('data', () => {
      const match = /GraphQL endpoint and GraphiQL: (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
}, 20_000);

/** Stops the service and waits until its output streams have closed, so everything it wrote has been read. */
async function stop(): Promise<void> {
  child.kill('SIGTERM');
  await closed;
}

afterAll(stop);

async function post(body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
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
    await stop();
    expect(output).toContain('Calling Tencent e-sign');
    // Every response of the test above, so this cannot pass on an empty list when run alone.
    expect(responses).toHaveLength(15);
    for (const text of [output, ...responses]) {
      for (const forbidden of FORBIDDEN) expect(text).not.toContain(forbidden);
    }
  });
});
