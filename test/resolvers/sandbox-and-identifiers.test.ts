/**
 * What a frontend's cache and the sandbox tour rely on: success results name what they cancelled (the QR code's id;
 * for an enablement link, an id a client computes from its own input), and `resetSandbox` brings the demo records back
 * in sandbox mode only.
 */
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { loadConfig } from '../../src/config/index.js';
import { startService } from '../../src/server/service.js';
import { useEmulator } from '../support/emulator.js';
import {
  DEMO_AGENT,
  EMPTY_HOME,
  graphql,
  PRODUCTION_AUTH,
  post,
  productionServiceFor,
  serviceFor,
  useService,
  SANDBOX_ENV,
} from '../support/service.js';

const CANCEL_QR = `mutation($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  result: channelCancelMultiFlowSignQRCode(input: $input) {
    __typename
    ... on ChannelCancelMultiFlowSignQRCodeSuccess { requestId qrCodeId }
  }
}`;

const CANCEL_LINK = `mutation($input: CancelUserAutoSignEnableUrlInput!) {
  result: cancelUserAutoSignEnableUrl(input: $input) {
    __typename
    ... on CancelUserAutoSignEnableUrlSuccess { requestId sceneKey linkId }
  }
}`;

const RESET =
  'mutation { result: resetSandbox { __typename ... on SandboxResetSuccess { message } ... on Error { message } } }';

async function result(url: string, query: string, variables?: Record<string, unknown>) {
  const { data, errors } = await graphql(url, query, variables);
  expect(errors).toBeUndefined();
  return data!.result!;
}

/** The link id as docs/frontend.md tells a page to compute it (test/examples/docs.test.ts keeps the two alike). */
async function linkId(sceneKey: string, user: { name: string; idCardType: string; idCardNumber: string }) {
  const text = [sceneKey, user.idCardType, user.idCardNumber.trim().toUpperCase(), user.name.trim()].join('\n');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

const demoQrCode = { input: { agent: DEMO_AGENT, qrCodeId: DEMO.qrCodeId } };
const demoLink = {
  input: { operator: { userId: DEMO.essOperatorUserId }, sceneKey: DEMO.sceneKey, userInfo: DEMO.pendingUser },
};

describe('in sandbox mode', () => {
  const service = useService(() => startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false));

  it('resetSandbox puts the demo records back, so each cancel succeeds once more', async () => {
    const url = service.current.url;
    await result(url, RESET);
    expect(await result(url, CANCEL_QR, demoQrCode)).toMatchObject({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
    });
    expect(await result(url, CANCEL_QR, demoQrCode)).toMatchObject({ __typename: 'QrCodeInvalidError' });
    expect(await result(url, CANCEL_LINK, demoLink)).toMatchObject({
      __typename: 'CancelUserAutoSignEnableUrlSuccess',
    });
    expect(await result(url, CANCEL_LINK, demoLink)).toMatchObject({ __typename: 'AutoSignEnableUrlNotFoundError' });
    expect(await result(url, RESET)).toEqual({
      __typename: 'SandboxResetSuccess',
      message: expect.stringContaining('demo records are back'),
    });
    expect(await result(url, CANCEL_QR, demoQrCode)).toMatchObject({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
    });
    expect(await result(url, CANCEL_LINK, demoLink)).toMatchObject({
      __typename: 'CancelUserAutoSignEnableUrlSuccess',
    });
  });

  it('resetSandbox also drops faults scripted on the emulator', async () => {
    const url = service.current.url;
    service.current.emulator!.faults.add({
      action: 'ChannelCancelMultiFlowSignQRCode',
      code: 'OperationDenied.Forbid',
      times: 5,
    });
    await result(url, RESET);
    expect(await result(url, CANCEL_QR, demoQrCode)).toMatchObject({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
    });
  });

  it('a cancelled QR code is named by its id', async () => {
    await result(service.current.url, RESET);
    expect(await result(service.current.url, CANCEL_QR, demoQrCode)).toEqual({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
      requestId: expect.any(String),
      qrCodeId: DEMO.qrCodeId,
    });
  });

  it('a revoked link is named by the id a client computes from its input, with no name or number in the result', async () => {
    const person = { name: ' 李雷 ', idCardType: 'ID_CARD', idCardNumber: '11010519491231002x' };
    const normalised = { ...person, name: '李雷', idCardNumber: '11010519491231002X' };
    service.current.emulator!.state.createAutoSignLink({ sceneKey: DEMO.sceneKey, ...normalised });
    const input = { operator: { userId: DEMO.essOperatorUserId }, sceneKey: DEMO.sceneKey, userInfo: person };
    const revoked = await result(service.current.url, CANCEL_LINK, { input });
    expect(revoked).toEqual({
      __typename: 'CancelUserAutoSignEnableUrlSuccess',
      requestId: expect.any(String),
      sceneKey: DEMO.sceneKey,
      linkId: await linkId(DEMO.sceneKey, person),
    });
    expect(JSON.stringify(revoked)).not.toMatch(/李雷|1101051949/);
  });
});

describe('outside sandbox mode', () => {
  // A seeded emulator standing in for Tencent: the demo QR code exists, but this service must not touch it.
  const emulator = useEmulator({ seed: true });

  it.each([
    ['Tencent’s test environment', () => serviceFor(emulator.current, { TENCENT_ESIGN_ENV: 'test' }), {}],
    ['production', () => productionServiceFor(emulator.current), PRODUCTION_AUTH],
  ])('resetSandbox in %s answers SandboxOnlyError and changes nothing', async (_mode, start, headers) => {
    const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };
    emulator.current.state.cancelQrCode(DEMO.qrCodeId, owner);
    const service = await start();
    try {
      const { body } = await post(service.url, { query: RESET }, headers);
      expect(body.data?.result).toEqual({
        __typename: 'SandboxOnlyError',
        message: expect.stringContaining('not to the sandbox'),
      });
      const cancel = await post(service.url, { query: CANCEL_QR, variables: demoQrCode }, headers);
      expect(cancel.body.data?.result).toMatchObject({ __typename: 'QrCodeInvalidError' });
    } finally {
      await service.close();
    }
  });
});
