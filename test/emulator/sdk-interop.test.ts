/**
 * Tencent's official Node SDK (a dev dependency only) talks to the emulator. The SDK signs its own
 * way (content-type;host, the host name without the port it sends), so this is the emulator judged
 * by requests this project did not build.
 */
import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';
import { sdkProfile } from '../support/sdk.js';

const emulator = useEmulator();

interface SdkOptions {
  secretKey?: string;
  language?: 'zh-CN' | 'en-US';
}

function profile(service: 'ess' | 'essbasic', { secretKey = TEST_CREDENTIALS.secretKey, language }: SdkOptions) {
  return {
    credential: { secretId: TEST_CREDENTIALS.secretId, secretKey },
    region: '',
    profile: { ...(language ? { language } : {}), ...sdkProfile(service, emulator.current.url) },
  };
}
const essbasic = (options: SdkOptions = {}) => new tencentcloud.essbasic.v20210526.Client(profile('essbasic', options));
const ess = (options: SdkOptions = {}) => new tencentcloud.ess.v20201111.Client(profile('ess', options));

const Agent = {
  AppId: DEMO.appId,
  ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  ProxyOperator: { OpenId: 'n9527' },
};
const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };

describe('official tencentcloud-sdk-nodejs against the emulator', () => {
  it('creates and cancels a QR code, then sees the documented error', async () => {
    const sdk = essbasic();
    const created = await sdk.ChannelCreateMultiFlowSignQRCode({ Agent, TemplateId: 'template', FlowName: 'sdk' });
    const QrCodeId = created.QrCode?.QrCodeId;
    expect(QrCodeId).toHaveLength(32);
    expect((await sdk.ChannelCancelMultiFlowSignQRCode({ Agent, QrCodeId: QrCodeId! })).RequestId).toEqual(
      expect.any(String),
    );
    await expect(sdk.ChannelCancelMultiFlowSignQRCode({ Agent, QrCodeId: QrCodeId! })).rejects.toMatchObject({
      code: 'OperationDenied.QrInvalid',
    });
  });

  it('sends the page’s example (ProxyAppId "") and is answered QrHasExpire for an expired code', async () => {
    const QrCodeId = emulator.current.state.createQrCodeExpiringAt(owner, Date.now() - 1000).id;
    await expect(
      essbasic().ChannelCancelMultiFlowSignQRCode({ Agent: { ...Agent, ProxyAppId: '' }, QrCodeId }),
    ).rejects.toMatchObject({ code: 'OperationDenied.QrHasExpire', message: '签署二维码已过期，请检查后重试。' });
  });

  it('gets its answers in English with language en-US', async () => {
    const QrCodeId = emulator.current.state.createQrCodeExpiringAt(owner, Date.now() - 1000).id;
    await expect(
      essbasic({ language: 'en-US' }).ChannelCancelMultiFlowSignQRCode({ Agent, QrCodeId }),
    ).rejects.toMatchObject({
      code: 'OperationDenied.QrHasExpire',
      message: 'The signing QR code has expired. Please check and try again.',
    });
  });

  it('cancels an auto-sign link through ess, and sees the documented errors', async () => {
    const person = { Name: '小明', IdCardType: 'ID_CARD', IdCardNumber: '610000000000000000' };
    emulator.current.state.createAutoSignLink({
      sceneKey: 'OTHER',
      name: person.Name,
      idCardType: person.IdCardType,
      idCardNumber: person.IdCardNumber,
    });
    const request = { Operator: { UserId: DEMO.essOperatorUserId }, SceneKey: 'OTHER', UserInfo: person };
    expect((await ess().CancelUserAutoSignEnableUrl(request)).RequestId).toEqual(expect.any(String));
    await expect(ess().CancelUserAutoSignEnableUrl(request)).rejects.toMatchObject({
      code: 'FailedOperation.UserAutoSignEnableUrlNotExist',
    });
  });

  it('is answered UnknownParameter for a parameter the action does not define', async () => {
    const request = { Agent, QrCodeId: 'Q'.repeat(32), Remark: 'not a parameter' };
    await expect(essbasic().ChannelCancelMultiFlowSignQRCode(request)).rejects.toMatchObject({
      code: 'UnknownParameter',
    });
  });

  it('is refused when it signs with the wrong key', async () => {
    await expect(
      essbasic({ secretKey: 'wrong' }).ChannelCancelMultiFlowSignQRCode({ Agent, QrCodeId: DEMO.qrCodeId }),
    ).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
    await expect(
      ess({ secretKey: 'wrong' }).CancelUserAutoSignEnableUrl({
        Operator: { UserId: DEMO.essOperatorUserId },
        SceneKey: 'OTHER',
        UserInfo: { Name: '小明', IdCardType: 'ID_CARD', IdCardNumber: '610000000000000000' },
      }),
    ).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
  });
});
