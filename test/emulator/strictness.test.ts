/**
 * What Tencent documents about requests, enforced by the emulator on requests the client did not
 * build: undefined, missing and mistyped parameters, content types, the body's size, methods and
 * the answer's language.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { type DocPost, docPost } from '../support/doc-signed.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ seed: true });
const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };
const agent = {
  AppId: DEMO.appId,
  ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  ProxyOperator: { OpenId: 'n9527' },
};
const operator = { UserId: DEMO.essOperatorUserId };
const user = { Name: '小红', IdCardType: 'ID_CARD', IdCardNumber: '610000000000000000' };

const cancelQr = (body: unknown, overrides: Partial<DocPost> = {}): DocPost => ({
  action: 'ChannelCancelMultiFlowSignQRCode',
  service: 'essbasic',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  ...overrides,
});
const cancelLink = (body: unknown): DocPost => ({
  action: 'CancelUserAutoSignEnableUrl',
  service: 'ess',
  body: JSON.stringify(body),
});
const error = async (post: DocPost) => (await docPost(emulator.current.url, post)).Response.Error;

describe('input parameters, as the API reference defines them', () => {
  it('accepts the page’s own example, ProxyAppId "" included', async () => {
    const QrCodeId = emulator.current.state.createQrCode(owner, 7).id;
    expect(await error(cancelQr({ QrCodeId, Agent: { ...agent, ProxyAppId: '' } }))).toBeUndefined();
  });

  it.each<[string, DocPost, string, string]>([
    [
      'an undefined parameter',
      cancelQr({ QrCodeId: 'Q'.repeat(32), Agent: agent, Comment: 'x' }),
      'UnknownParameter',
      'Comment',
    ],
    [
      'an undefined field of a structure',
      cancelQr({ QrCodeId: 'Q'.repeat(32), Agent: { ...agent, ProxyOperator: { OpenId: 'n9527', Name: '小明' } } }),
      'UnknownParameter',
      'Agent.ProxyOperator.Name',
    ],
    ['a name in the wrong case', cancelQr({ qrCodeId: 'Q'.repeat(32), Agent: agent }), 'UnknownParameter', 'qrCodeId'],
    ['a required parameter left out', cancelQr({ Agent: agent }), 'MissingParameter', 'QrCodeId'],
    [
      'a required parameter empty',
      cancelQr({ QrCodeId: 'Q'.repeat(32), Agent: { ...agent, AppId: '' } }),
      'MissingParameter',
      'Agent.AppId',
    ],
    [
      'a field this action requires of a structure',
      cancelQr({ QrCodeId: 'Q'.repeat(32), Agent: { AppId: DEMO.appId, ProxyOperator: { OpenId: 'n9527' } } }),
      'MissingParameter',
      'Agent.ProxyOrganizationOpenId',
    ],
    ['a number for a String', cancelQr({ QrCodeId: 42, Agent: agent }), 'InvalidParameter', 'QrCodeId'],
    ['null for a structure', cancelQr({ QrCodeId: 'Q'.repeat(32), Agent: null }), 'InvalidParameter', 'Agent'],
    ['a body that is not JSON', cancelQr('{"QrCodeId":'), 'InvalidParameter', 'body'],
    ['a JSON array for the request', cancelQr('[]'), 'InvalidParameter', 'body'],
    [
      'a QrCodeId that is not 32 characters',
      cancelQr({ QrCodeId: 'short', Agent: agent }),
      'InvalidParameterValue',
      'QrCodeId',
    ],
    [
      'a SceneKey not documented',
      cancelLink({ Operator: operator, SceneKey: 'PAYROLL', UserInfo: user }),
      'InvalidParameterValue',
      'SceneKey',
    ],
    [
      'an ID card number of the wrong format',
      cancelLink({ Operator: operator, SceneKey: 'OTHER', UserInfo: { ...user, IdCardNumber: '61000000000000000x' } }),
      'InvalidParameterValue',
      'UserInfo.IdCardNumber',
    ],
    [
      'a Hong Kong and Macao permit of the wrong format',
      cancelLink({ Operator: operator, SceneKey: 'OTHER', UserInfo: { ...user, IdCardType: 'HONGKONG_AND_MACAO' } }),
      'InvalidParameterValue',
      'UserInfo.IdCardNumber',
    ],
  ])('%s', async (_name, post, code, parameter) => {
    const answer = await error(post);
    expect(answer?.Code).toBe(code);
    expect(answer?.Message).toContain(`\`${parameter}\``);
  });

  it('QrEffectiveDay beyond the documented 90 days: InvalidParameterValue', async () => {
    const create = (QrEffectiveDay: number) =>
      error({
        action: 'ChannelCreateMultiFlowSignQRCode',
        service: 'essbasic',
        body: JSON.stringify({ Agent: agent, TemplateId: 't', FlowName: 'f', QrEffectiveDay }),
      });
    expect(await create(90)).toBeUndefined();
    expect(await create(91)).toMatchObject({ Code: 'InvalidParameterValue' });
    expect(await create(1.5)).toMatchObject({ Code: 'InvalidParameter' });
  });
});

describe('request structure', () => {
  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=gbk',
    'application/jsonx',
  ])('refuses Content-Type %s with InvalidParameter', async (contentType) => {
    const QrCodeId = emulator.current.state.createQrCode(owner, 7).id;
    const post = cancelQr({ QrCodeId, Agent: agent }, { extra: { 'content-type': contentType } });
    expect(await error(post)).toMatchObject({
      Code: 'InvalidParameter',
      Message: expect.stringContaining(contentType),
    });
  });

  it('answers RequestSizeLimitExceeded for a body over 10,000,000 bytes, and takes one at the limit', async () => {
    const padded = (size: number) => {
      const body = JSON.stringify({ QrCodeId: 'Q'.repeat(32), Agent: agent, Pad: '' });
      return body.replace('"Pad":""', `"Pad":"${'x'.repeat(size - body.length)}"`);
    };
    expect(await error(cancelQr(padded(10_000_001)))).toMatchObject({ Code: 'RequestSizeLimitExceeded' });
    // At the limit the body is read and checked: Pad is not a parameter of the action.
    expect(await error(cancelQr(padded(10_000_000)))).toMatchObject({ Code: 'UnknownParameter' });
  });

  it('answers UnsupportedProtocol for a method other than GET and POST', async () => {
    const res = await request(emulator.current.url, {
      method: 'PUT',
      headers: { 'x-tc-action': 'ChannelCancelMultiFlowSignQRCode' },
      body: '{}',
    });
    const json = (await res.body.json()) as { Response: { Error: { Code: string } } };
    expect(json.Response.Error.Code).toBe('UnsupportedProtocol');
  });

  it('records refused calls by action, and not a request that names none', async () => {
    const before = emulator.current.calls.length;
    await error(cancelQr({ Agent: agent }));
    await error(cancelQr({ Agent: agent }, { headers: { 'x-tc-action': null } }));
    expect(emulator.current.calls.slice(before)).toEqual([
      {
        action: 'ChannelCancelMultiFlowSignQRCode',
        code: 'MissingParameter',
        receivedAt: expect.any(Number),
        at: expect.any(Number),
      },
    ]);
  });
});

describe('X-TC-Language', () => {
  const missing = (language?: string) =>
    error(cancelQr({ Agent: agent }, language === undefined ? {} : { extra: { 'x-tc-language': language } }));

  it('answers in Chinese by default and with zh-CN, in English with en-US', async () => {
    expect((await missing())?.Message).toBe('缺少参数：`QrCodeId`。');
    expect((await missing('zh-CN'))?.Message).toBe('缺少参数：`QrCodeId`。');
    expect((await missing('en-US'))?.Message).toBe('The request is missing a required parameter `QrCodeId`.');
  });

  it('answers the business errors in both languages', async () => {
    const QrCodeId = emulator.current.state.createQrCodeExpiringAt(owner, Date.now() - 1).id;
    const expired = (language: string) =>
      error(cancelQr({ QrCodeId, Agent: agent }, { extra: { 'x-tc-language': language } }));
    expect(await expired('zh-CN')).toEqual({
      Code: 'OperationDenied.QrHasExpire',
      Message: '签署二维码已过期，请检查后重试。',
    });
    expect(await expired('en-US')).toEqual({
      Code: 'OperationDenied.QrHasExpire',
      Message: 'The signing QR code has expired. Please check and try again.',
    });
  });

  it.each(['en', 'zh-cn', 'fr-FR', ''])(
    'refuses %j, which Tencent’s SDKs do not send, with InvalidParameterValue',
    async (language) => {
      expect(await missing(language)).toMatchObject({
        Code: 'InvalidParameterValue',
        Message: expect.stringContaining('X-TC-Language'),
      });
    },
  );
});
