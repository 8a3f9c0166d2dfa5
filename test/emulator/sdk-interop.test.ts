/** Tencent's official Node SDK (a dev dependency only) talks to the emulator: the signature check is the real one. */
import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';
import { sdkProfile } from '../support/sdk.js';

const EssbasicClient = tencentcloud.essbasic.v20210526.Client;
const emulator = useEmulator();

function sdkClient(secretKey = TEST_CREDENTIALS.secretKey) {
  return new EssbasicClient({
    credential: { secretId: TEST_CREDENTIALS.secretId, secretKey },
    region: '',
    profile: sdkProfile('essbasic', emulator.current.url),
  });
}

const Agent = { AppId: DEMO.appId, ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId, ProxyOperator: { OpenId: 'n9527' } };

describe('official tencentcloud-sdk-nodejs against the emulator', () => {
  it('creates and cancels a QR code, then sees the documented error', async () => {
    const sdk = sdkClient();
    const created = await sdk.ChannelCreateMultiFlowSignQRCode({ Agent, TemplateId: 'template', FlowName: 'sdk' });
    const QrCodeId = created.QrCode?.QrCodeId;
    expect(QrCodeId).toHaveLength(32);
    expect((await sdk.ChannelCancelMultiFlowSignQRCode({ Agent, QrCodeId: QrCodeId! })).RequestId).toEqual(expect.any(String));
    await expect(sdk.ChannelCancelMultiFlowSignQRCode({ Agent, QrCodeId: QrCodeId! })).rejects.toMatchObject({
      code: 'OperationDenied.QrInvalid',
    });
  });

  it('is refused when it signs with the wrong key', async () => {
    await expect(sdkClient('wrong').ChannelCancelMultiFlowSignQRCode({ Agent, QrCodeId: DEMO.qrCodeId })).rejects.toMatchObject({
      code: 'AuthFailure.SignatureFailure',
    });
  });
});
