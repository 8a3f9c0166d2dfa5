/**
 * Both mutations through the yoga app over real HTTP, against the emulator
 * over real HTTP: success, every mapped Tencent code, validation, upstream failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import type { RunningService } from '../../src/server/service.js';
import type { TencentClient } from '../../src/tencent/client.js';
import { CreateUserAutoSignEnableUrl } from '../../src/tencent/ess.js';
import { ChannelCreateMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';
import { clientFor, useEmulator } from '../support/emulator.js';
import { graphql, post, serviceFor } from '../support/service.js';

const emulator = useEmulator();
let service: RunningService;
let client: TencentClient;
beforeAll(async () => {
  service = await serviceFor(emulator.current);
  client = clientFor(emulator.current);
});
afterAll(async () => {
  await service.close();
  await client.close();
});

const selection = (success: string) => `{
  __typename
  ... on ${success} { requestId }
  ... on TencentError { code requestId }
  ... on RateLimitedError { retryAfterSeconds }
  ... on ValidationError { issues { path message } }
  ... on Error { message }
}`;
const CANCEL_AUTO_SIGN = `mutation ($input: CancelUserAutoSignEnableUrlInput!) {
  result: cancelUserAutoSignEnableUrl(input: $input) ${selection('CancelUserAutoSignEnableUrlSuccess')}
}`;
const CANCEL_QR = `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  result: channelCancelMultiFlowSignQRCode(input: $input) ${selection('ChannelCancelMultiFlowSignQRCodeSuccess')}
}`;

async function mutate(query: string, input: unknown, url = service.url): Promise<Record<string, unknown>> {
  const response = await graphql(url, query, { input });
  expect(response.errors).toBeUndefined();
  return response.data!.result!;
}

let people = 0;
/** A person nobody else in the suite uses, with an enablement link created through Tencent's API. */
async function personWithLink(): Promise<{ name: string; idCardType: 'ID_CARD'; idCardNumber: string }> {
  const person = {
    name: `测试${++people}`,
    idCardType: 'ID_CARD' as const,
    idCardNumber: `1101051990010100${people % 10}X`,
  };
  const created = await client.call(CreateUserAutoSignEnableUrl, {
    Operator: { UserId: DEMO.essOperatorUserId },
    SceneKey: 'E_PRESCRIPTION_AUTO_SIGN',
    AutoSignConfig: { UserInfo: { Name: person.name, IdCardType: 'ID_CARD', IdCardNumber: person.idCardNumber } },
  });
  expect(created.ok).toBe(true);
  return person;
}

const agent = {
  appId: DEMO.appId,
  proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  proxyOperator: { openId: DEMO.proxyOperatorOpenId },
};

async function newQrCode(): Promise<string> {
  const created = await client.call(ChannelCreateMultiFlowSignQRCode, {
    Agent: {
      AppId: agent.appId,
      ProxyOrganizationOpenId: agent.proxyOrganizationOpenId,
      ProxyOperator: { OpenId: 'n9527' },
    },
    TemplateId: 'template',
    FlowName: 'flow',
  });
  if (!created.ok) throw new Error(JSON.stringify(created.failure));
  return created.reply.QrCode.QrCodeId;
}

const autoSignInput = (userInfo: object, extra: object = {}) => ({
  operator: { userId: DEMO.essOperatorUserId },
  sceneKey: 'E_PRESCRIPTION_AUTO_SIGN',
  userInfo,
  ...extra,
});

describe('cancelUserAutoSignEnableUrl', () => {
  it('revokes a link, then answers AutoSignEnableUrlNotFoundError', async () => {
    const person = await personWithLink();
    const first = await mutate(CANCEL_AUTO_SIGN, autoSignInput(person));
    expect(first).toEqual({ __typename: 'CancelUserAutoSignEnableUrlSuccess', requestId: expect.any(String) });

    const second = await mutate(CANCEL_AUTO_SIGN, autoSignInput(person));
    expect(second).toMatchObject({
      __typename: 'AutoSignEnableUrlNotFoundError',
      code: 'FailedOperation.UserAutoSignEnableUrlNotExist',
      requestId: expect.any(String),
      message: expect.any(String),
    });
  });

  it('answers AutoSignAlreadyEnabledError once the person has completed enablement', async () => {
    const person = await personWithLink();
    const link = await client.call(CreateUserAutoSignEnableUrl, {
      Operator: { UserId: DEMO.essOperatorUserId },
      SceneKey: 'E_PRESCRIPTION_AUTO_SIGN',
      AutoSignConfig: { UserInfo: { Name: person.name, IdCardType: 'ID_CARD', IdCardNumber: person.idCardNumber } },
    });
    if (!link.ok) throw new Error('no link');
    expect((await fetch(link.reply.Url)).status).toBe(200); // the person opens the link and enables auto-sign
    expect(await mutate(CANCEL_AUTO_SIGN, autoSignInput(person))).toMatchObject({
      __typename: 'AutoSignAlreadyEnabledError',
      code: 'FailedOperation.UserAutoSignEnableAlready',
    });
  });

  it('trims the name and upper-cases a trailing x before calling Tencent', async () => {
    const person = await personWithLink();
    const sloppy = { ...person, name: `  ${person.name} `, idCardNumber: person.idCardNumber.toLowerCase() };
    expect(await mutate(CANCEL_AUTO_SIGN, autoSignInput(sloppy))).toMatchObject({
      __typename: 'CancelUserAutoSignEnableUrlSuccess',
    });
  });

  it('sends the agent when one is given', async () => {
    const person = await personWithLink();
    expect(
      await mutate(CANCEL_AUTO_SIGN, autoSignInput(person, { agent: { proxyOrganizationId: 'sub-org' } })),
    ).toMatchObject({ __typename: 'CancelUserAutoSignEnableUrlSuccess' });
  });
});

describe('channelCancelMultiFlowSignQRCode', () => {
  it('cancels a QR code, then answers QrCodeInvalidError', async () => {
    const qrCodeId = await newQrCode();
    expect(await mutate(CANCEL_QR, { agent, qrCodeId })).toEqual({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
      requestId: expect.any(String),
    });
    expect(await mutate(CANCEL_QR, { agent, qrCodeId })).toMatchObject({
      __typename: 'QrCodeInvalidError',
      code: 'OperationDenied.QrInvalid',
    });
  });

  it('answers QrCodeExpiredError for a code whose validity ended', async () => {
    const owner = { appId: agent.appId, proxyOrganizationOpenId: agent.proxyOrganizationOpenId };
    const { id: qrCodeId } = emulator.current.state.createQrCodeExpiringAt(owner, Date.now() - 1_000);
    expect(await mutate(CANCEL_QR, { agent, qrCodeId })).toMatchObject({
      __typename: 'QrCodeExpiredError',
      code: 'OperationDenied.QrHasExpire',
    });
  });

  it('asks Tencent for English messages when the request accepts English, Chinese otherwise', async () => {
    const qrCodeId = await newQrCode();
    await mutate(CANCEL_QR, { agent, qrCodeId });
    const again = async (headers: Record<string, string>) => {
      const { body } = await post(
        service.url,
        { query: CANCEL_QR, variables: { input: { agent, qrCodeId } } },
        headers,
      );
      return body.data!.result as { message: string };
    };
    const english = await again({ 'accept-language': 'en-GB,en;q=0.9,zh;q=0.8' });
    const chinese = await again({ 'accept-language': 'zh-CN' });
    const unspecified = await again({});
    expect(english.message).toMatch(/^[\x20-\x7e]+$/);
    expect(chinese.message).toMatch(/[\u4e00-\u9fff]/);
    expect(unspecified.message).toBe(chinese.message);
  });

  it('answers QrCodeNotFoundError for an unknown code or another organisation’s', async () => {
    const qrCodeId = await newQrCode();
    const otherOrg = { ...agent, proxyOrganizationOpenId: 'org_other' };
    expect(await mutate(CANCEL_QR, { agent: otherOrg, qrCodeId })).toMatchObject({
      __typename: 'QrCodeNotFoundError',
      code: 'InvalidParameter.DataNotFound',
    });
    expect(await mutate(CANCEL_QR, { agent, qrCodeId: 'A'.repeat(32) })).toMatchObject({
      __typename: 'QrCodeNotFoundError',
    });
  });
});

describe('Tencent error codes', () => {
  const ess = { query: CANCEL_AUTO_SIGN, action: 'CancelUserAutoSignEnableUrl' };
  const essbasic = { query: CANCEL_QR, action: 'ChannelCancelMultiFlowSignQRCode' };
  const essInput = autoSignInput({ name: '小红', idCardType: 'ID_CARD', idCardNumber: '610000000000000000' });
  const essbasicInput = { agent, qrCodeId: 'B'.repeat(32) };

  it.each([
    [ess, 'FailedOperation.UserAutoSignEnableAlready', 'AutoSignAlreadyEnabledError'],
    [ess, 'FailedOperation.UserAutoSignEnableUrlNotExist', 'AutoSignEnableUrlNotFoundError'],
    [ess, 'OperationDenied', 'OperationDeniedError'],
    [ess, 'MissingParameter', 'MissingParameterError'],
    [ess, 'InvalidParameter', 'InvalidParameterError'],
    [ess, 'InvalidParameterValue', 'InvalidParameterError'],
    [ess, 'InternalError', 'TencentInternalError'],
    [ess, 'InternalError.DbRead', 'TencentInternalError'],
    [ess, 'AuthFailure.UnauthorizedOperation', 'AuthFailureError'],
    [ess, 'ResourceNotFound.Flow', 'TencentApiError'],
    // A sub-code stands for its documented family here; essbasic's own type for it is not in ess's union.
    [ess, 'OperationDenied.Forbid', 'OperationDeniedError'],
    [ess, 'UnauthorizedOperation.NoPermissionFeature', 'TencentApiError'],
    [essbasic, 'OperationDenied.QrHasExpire', 'QrCodeExpiredError'],
    [essbasic, 'OperationDenied.QrInvalid', 'QrCodeInvalidError'],
    [essbasic, 'InvalidParameter.DataNotFound', 'QrCodeNotFoundError'],
    [essbasic, 'InvalidParameter.ParamError', 'InvalidParameterError'],
    [essbasic, 'InvalidParameter', 'InvalidParameterError'],
    [essbasic, 'OperationDenied.Forbid', 'ForbiddenError'],
    [essbasic, 'UnauthorizedOperation.NoPermissionFeature', 'FeatureNotEnabledError'],
    [essbasic, 'MissingParameter', 'MissingParameterError'],
    [essbasic, 'InternalError', 'TencentInternalError'],
    [essbasic, 'InternalError.DbRead', 'TencentInternalError'],
    [essbasic, 'AuthFailure.SignatureFailure', 'AuthFailureError'],
    [essbasic, 'OperationDenied', 'TencentApiError'],
    [essbasic, 'FailedOperation.Something', 'TencentApiError'],
  ])('%# %s: %s → %s', async (target, code, typename) => {
    emulator.current.faults.add({ action: target.action, code, message: `scripted ${code}` });
    const result = await mutate(target.query, target === ess ? essInput : essbasicInput);
    expect(result).toEqual({
      __typename: typename,
      code,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      message: `scripted ${code}`,
    });
  });

  it.each([ess, essbasic])(
    'maps RequestLimitExceeded on every attempt to RateLimitedError ($action)',
    async (target) => {
      const fault = { action: target.action, code: 'RequestLimitExceeded', message: '请求的次数超过了频率限制。' };
      emulator.current.faults.add({ ...fault, times: 3 });
      expect(await mutate(target.query, target === ess ? essInput : essbasicInput)).toEqual({
        __typename: 'RateLimitedError',
        retryAfterSeconds: 1,
        message: '请求的次数超过了频率限制。',
      });
    },
  );

  it('answers AuthFailureError when Tencent refuses the layer’s own credentials', async () => {
    const misconfigured = await serviceFor(emulator.current, { TENCENTCLOUD_SECRET_KEY: 'wrong-key' });
    try {
      expect(await mutate(CANCEL_QR, essbasicInput, misconfigured.url)).toMatchObject({
        __typename: 'AuthFailureError',
        code: 'AuthFailure.SignatureFailure',
      });
    } finally {
      await misconfigured.close();
    }
  });
});

describe('upstream failures', () => {
  it.each([
    ['HTTP 503', { status: 503, body: 'Service Unavailable' }],
    ['a reply that is not JSON', { body: '<html>proxy error</html>' }],
    ['JSON that is not Tencent’s', { body: '{"ok":true}' }],
    ['a dropped connection', { drop: true }],
    ['a time-out', { delayMs: 2_500 }],
  ])('turns %s into UpstreamUnavailableError', async (_name, fault) => {
    emulator.current.faults.add({ action: 'ChannelCancelMultiFlowSignQRCode', ...fault });
    const result = await mutate(CANCEL_QR, { agent, qrCodeId: await newQrCode() });
    expect(result).toEqual({
      __typename: 'UpstreamUnavailableError',
      message: expect.stringContaining('Tencent e-sign'),
    });
  });
});

describe('input validation', () => {
  async function expectRejected(query: string, input: unknown, issues: { path: string[]; message: RegExp }[]) {
    const before = emulator.current.calls.length;
    const result = await mutate(query, input);
    expect(result.__typename).toBe('ValidationError');
    expect(result.message).toMatch(/nothing was sent to Tencent/);
    expect(result.issues).toEqual(
      issues.map((issue) => ({ path: issue.path, message: expect.stringMatching(issue.message) })),
    );
    expect(emulator.current.calls.length).toBe(before);
  }

  const person = { name: '王五', idCardType: 'ID_CARD', idCardNumber: '11010519491231002X' };

  it.each([
    ['an ID_CARD number of the wrong length', { ...person, idCardNumber: '1101051949123100' }, /18 characters/],
    ['an ID_CARD number with a letter inside', { ...person, idCardNumber: '11010519491231A02X' }, /17 digits/],
    [
      'a HONGKONG_AND_MACAO number not starting with H or M',
      { ...person, idCardType: 'HONGKONG_AND_MACAO', idCardNumber: 'A1234567890' },
      /H or M/,
    ],
    [
      'a HONGKONG_AND_MACAO number of 10 characters',
      { ...person, idCardType: 'HONGKONG_AND_MACAO', idCardNumber: 'H123456789' },
      /11 characters/,
    ],
    [
      'a residence permit number in the wrong format',
      { ...person, idCardType: 'HONGKONG_MACAO_AND_TAIWAN', idCardNumber: '8100001' },
      /18 characters/,
    ],
  ])('refuses %s', async (_name, userInfo, message) => {
    await expectRejected(CANCEL_AUTO_SIGN, autoSignInput(userInfo), [
      { path: ['input', 'userInfo', 'idCardNumber'], message },
    ]);
  });

  it('refuses a blank name', async () => {
    await expectRejected(CANCEL_AUTO_SIGN, autoSignInput({ ...person, name: '   ' }), [
      { path: ['input', 'userInfo', 'name'], message: /empty/ },
    ]);
  });

  it('refuses a missing operator when none is configured, in words for whoever fills in the form', async () => {
    const { operator: _none, ...input } = autoSignInput(person);
    await expectRejected(CANCEL_AUTO_SIGN, input, [{ path: ['input', 'operator', 'userId'], message: /^required$/ }]);
  });

  it('reports every broken rule at once', async () => {
    await expectRejected(
      CANCEL_QR,
      { agent: { proxyOrganizationOpenId: '', proxyOperator: { openId: 'x'.repeat(65) } }, qrCodeId: 'short' },
      [
        { path: ['input', 'agent', 'appId'], message: /^required$/ },
        { path: ['input', 'agent', 'proxyOrganizationOpenId'], message: /1–64 characters/ },
        { path: ['input', 'agent', 'proxyOperator', 'openId'], message: /1–64 characters/ },
        { path: ['input', 'qrCodeId'], message: /32 characters/ },
      ],
    );
  });

  it('leaves malformed documents and variables to top-level errors', async () => {
    const before = emulator.current.calls.length;
    const wrongEnum = await graphql(service.url, CANCEL_AUTO_SIGN, {
      input: autoSignInput({ ...person, idCardType: 'PASSPORT' }),
    });
    expect(wrongEnum.errors?.[0]?.message).toMatch(/IdCardType/);
    const syntax = await graphql(service.url, 'mutation { cancelUserAutoSignEnableUrl(');
    expect(syntax.errors?.[0]?.message).toMatch(/Syntax Error/);
    expect(emulator.current.calls.length).toBe(before);
  });
});

describe('configured defaults', () => {
  it('uses TENCENT_ESS_OPERATOR_USER_ID and TENCENT_ESSBASIC_APP_ID when the input names none', async () => {
    const configured = await serviceFor(emulator.current, {
      TENCENT_ESS_OPERATOR_USER_ID: DEMO.essOperatorUserId,
      TENCENT_ESSBASIC_APP_ID: DEMO.appId,
    });
    try {
      const person = await personWithLink();
      const { operator: _none, ...input } = autoSignInput(person);
      expect(await mutate(CANCEL_AUTO_SIGN, input, configured.url)).toMatchObject({
        __typename: 'CancelUserAutoSignEnableUrlSuccess',
      });
      const { appId: _default, ...agentWithoutApp } = agent;
      expect(
        await mutate(CANCEL_QR, { agent: agentWithoutApp, qrCodeId: await newQrCode() }, configured.url),
      ).toMatchObject({
        __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
      });
    } finally {
      await configured.close();
    }
  });
});
