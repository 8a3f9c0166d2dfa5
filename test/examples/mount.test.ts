/**
 * examples/mount: a fresh yoga server that mounts the e-sign mutations through the package's exports, run as its own
 * process, where Node resolves `esign-graphql` by the package's `exports` to the compiled dist/ (as it would from
 * node_modules), over real HTTP in front of the emulator.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { ROOT } from '../support/build.js';
import { TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';
import { post } from '../support/service.js';

const emulator = useEmulator();
let child: ChildProcessByStdio<null, Readable, Readable>;
let url: string;

const ALICE = 'session-alice';
const BOB = 'session-bob';

beforeAll(async () => {
  const staff = {
    [ALICE]: {
      name: 'alice',
      organizationOpenId: DEMO.proxyOrganizationOpenId,
      operatorOpenId: DEMO.proxyOperatorOpenId,
    },
    [BOB]: { name: 'bob', organizationOpenId: DEMO.proxyOrganizationOpenId, operatorOpenId: 'bobsOwnOpenId' },
  };
  child = spawn(process.execPath, ['--import', 'tsx', 'examples/mount/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      TENCENT_ENDPOINT: emulator.current.url,
      TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey,
      TENCENT_ESSBASIC_APP_ID: DEMO.appId,
      CLINIC_STAFF: JSON.stringify(staff),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const started = /clinic server at (\S+)/.exec(output);
      if (started) resolve(started[1]!);
    });
    child.once('exit', (code) => reject(new Error(`examples/mount exited with ${code}:\n${output}`)));
  });
});
afterAll(async () => {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'close');
});

const CANCEL_QR = /* GraphQL */ `
  mutation ($qrCodeId: String!, $operator: String!) {
    result: channelCancelMultiFlowSignQRCode(
      input: { agent: { proxyOrganizationOpenId: "${DEMO.proxyOrganizationOpenId}", proxyOperator: { openId: $operator } }, qrCodeId: $qrCodeId }
    ) {
      __typename
      ... on EsignChannelCancelMultiFlowSignQRCodeSuccess { qrCodeId }
      ... on EsignError { message }
    }
  }
`;

function newQrCode(): string {
  return emulator.current.state.createQrCode(
    { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId },
    7,
  ).id;
}

const cancelAs = (session: string | undefined, qrCodeId: string) =>
  post(
    url,
    { query: CANCEL_QR, variables: { qrCodeId, operator: DEMO.proxyOperatorOpenId } },
    session ? { 'x-clinic-session': session } : {},
  );

describe('a yoga server mounting the e-sign schema', () => {
  it('serves its own fields beside the prefixed e-sign types', async () => {
    const res = await post(url, { query: '{ me esignMode }' }, { 'x-clinic-session': ALICE });
    expect(res.body).toEqual({ data: { me: 'clinic:alice', esignMode: 'TEST' } });
  });

  it('cancels a QR code at the emulator as the operator its session is bound to', async () => {
    const qrCodeId = newQrCode();
    const calls = emulator.current.calls.length;
    const res = await cancelAs(ALICE, qrCodeId);
    expect(res.body).toEqual({
      data: { result: { __typename: 'EsignChannelCancelMultiFlowSignQRCodeSuccess', qrCodeId } },
    });
    expect(emulator.current.calls.slice(calls)).toMatchObject([{ action: 'ChannelCancelMultiFlowSignQRCode' }]);
    const again = await cancelAs(ALICE, qrCodeId);
    expect(again.body.data).toEqual({ result: { __typename: 'EsignQrCodeInvalidError', message: expect.any(String) } });
  });

  it('refuses, sending nothing, a session bound to another operator or no session at all', async () => {
    const calls = emulator.current.calls.length;
    for (const session of [BOB, undefined]) {
      const res = await cancelAs(session, newQrCode());
      expect(res.body.data).toEqual({
        result: { __typename: 'EsignCallerNotAllowedError', message: expect.any(String) },
      });
    }
    expect(emulator.current.calls.length).toBe(calls);
  });
});
