/** Tencent's official Node SDK (a dev dependency only) talks to the emulator: the signature check is the real one. */
import { Agent as HttpAgent } from 'node:http';
import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';

const EssbasicClient = tencentcloud.essbasic.v20210526.Client;
const emulator = useEmulator();

// The SDK takes the service name for the signature from the endpoint's first label, so it must be
// given an `essbasic.` host name; this agent resolves that name to the emulator on loopback.
const loopback = new HttpAgent({
  lookup: ((_host: string, options: { all?: boolean }, callback: (error: null, ...answer: unknown[]) => void) =>
    options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)) as never,
});

function sdkClient(secretKey = TEST_CREDENTIALS.secretKey) {
  return new EssbasicClient({
    credential: { secretId: TEST_CREDENTIALS.secretId, secretKey },
    region: '',
    profile: {
      httpProfile: {
        endpoint: `essbasic.emulator.test:${new URL(emulator.current.url).port}`,
        protocol: 'http://',
        reqTimeout: 5,
        agent: loopback,
      },
    },
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
