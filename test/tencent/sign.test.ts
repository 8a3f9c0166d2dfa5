/**
 * The client's TC3-HMAC-SHA256 signer against oracles outside `src/`: Tencent's two published worked
 * examples, the official Node SDK's own signing function, and the documentation's rules applied by
 * the test to what the client actually sends.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TencentClient } from '../../src/tencent/client.js';
import { CancelUserAutoSignEnableUrl } from '../../src/tencent/ess.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';
import { canonicalRequest, sha256Hex, Tc3Signer, utcDate } from '../../src/tencent/sign.js';
import { docVerify } from '../support/tc3-oracle.js';

interface Sign3Options {
  method: string;
  url: string;
  payload: unknown;
  timestamp: number;
  service: string;
  secretId: string;
  secretKey: string;
  multipart: boolean;
  boundary: string;
  headers: Record<string, string>;
}
// The SDK's signing function itself (tencentcloud/common/sign.js), a dev dependency only.
const { default: Sign } = createRequire(import.meta.url)('tencentcloud-sdk-nodejs/tencentcloud/common/sign.js') as {
  default: { sign3(options: Sign3Options): string };
};

const PAYLOAD = String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`;

/**
 * The current page (https://cloud.tencent.com/document/api/213/30654, 签名方法 v3). Its SecretKey is shown
 * masked as 32 asterisks, and that is the key: HMAC-SHA256("TC3" + 32 × "*", "2019-02-25") is the
 * SecretDate it prints, so every published value down to the signature can be reproduced.
 */
const current = {
  secretId: `AKID${'*'.repeat(32)}`,
  secretKey: '*'.repeat(32),
  timestamp: 1551113065,
  service: 'cvm',
  request: {
    method: 'POST',
    path: '/',
    query: '',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      Host: 'cvm.tencentcloudapi.com',
      'X-TC-Action': 'DescribeInstances',
    },
    payload: PAYLOAD,
  },
  canonicalRequest: [
    'POST',
    '/',
    '',
    'content-type:application/json; charset=utf-8',
    'host:cvm.tencentcloudapi.com',
    'x-tc-action:describeinstances',
    '',
    'content-type;host;x-tc-action',
    '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
  ].join('\n'),
};

/** The 2019 edition of the page: same request, signing only content-type and host. */
const edition2019 = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  timestamp: 1551113065,
  service: 'cvm',
  request: {
    method: 'POST',
    path: '/',
    query: '',
    headers: { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' },
    payload: PAYLOAD,
  },
};

describe('Tencent’s current worked example (content-type;host;x-tc-action)', () => {
  it('hashes the payload and builds the published canonical request, action value lower-cased', () => {
    expect(sha256Hex(PAYLOAD)).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    const { text, signedHeaders } = canonicalRequest(current.request);
    expect(text).toBe(current.canonicalRequest);
    expect(signedHeaders).toBe('content-type;host;x-tc-action');
    expect(sha256Hex(text)).toBe('7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
  });

  it('derives the published keys and signature and writes the published Authorization header', () => {
    const signer = new Tc3Signer(current.secretKey);
    expect(signer.signingKey('2019-02-25', 'cvm').toString('hex')).toBe(
      'b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af',
    );
    const authorization = signer.authorization(
      { secretId: current.secretId, service: current.service, timestamp: current.timestamp },
      current.request,
    );
    expect(authorization).toBe(
      `TC3-HMAC-SHA256 Credential=${current.secretId}/2019-02-25/cvm/tc3_request, ` +
        'SignedHeaders=content-type;host;x-tc-action, ' +
        'Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f',
    );
  });

  it('trims values and ignores the case of names and values', () => {
    const padded = {
      ...current.request,
      headers: {
        'content-type': ' Application/JSON; charset=UTF-8 ',
        HOST: 'CVM.tencentcloudapi.com',
        'x-tc-action': 'describeinstances',
      },
    };
    expect(canonicalRequest(padded).text).toBe(current.canonicalRequest);
  });
});

describe('Tencent’s 2019 worked example (content-type;host)', () => {
  it('builds the published canonical request', () => {
    const { text, signedHeaders } = canonicalRequest(edition2019.request);
    expect(signedHeaders).toBe('content-type;host');
    expect(sha256Hex(text)).toBe('5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
  });

  it('produces the published signature and Authorization header', () => {
    const signer = new Tc3Signer(edition2019.secretKey);
    const authorization = signer.authorization(
      { secretId: edition2019.secretId, service: edition2019.service, timestamp: edition2019.timestamp },
      edition2019.request,
    );
    expect(authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, ' +
        'Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });
});

describe('the official Node SDK’s Sign.sign3 (content-type;host, the host name without its port)', () => {
  const cases = [
    {
      service: 'essbasic',
      url: 'https://essbasic.tencentcloudapi.com/',
      body: { QrCodeId: 'yDSLZUUckpooi1ltUxCsD3RSTG9BEWhR' },
    },
    {
      service: 'essbasic',
      url: 'http://essbasic.test.ess.tencent.cn:8443/',
      body: { Agent: { ProxyAppId: '' }, Name: '小明' },
    },
    {
      service: 'ess',
      url: 'https://ess.tencentcloudapi.com/',
      body: { UserInfo: { Name: '李四', IdCardType: 'ID_CARD' } },
    },
    { service: 'ess', url: 'http://127.0.0.1:9100/', body: { SceneKey: 'E_PRESCRIPTION_AUTO_SIGN', Note: '🖊 签署 ✓' } },
  ];
  it.each(cases)('signs $service at $url like our signer', ({ service, url, body }) => {
    const payload = JSON.stringify(body);
    const scope = { secretId: 'AKIDDIFFERENTIAL', service, timestamp: 1_700_006_399 + payload.length };
    const sdk = Sign.sign3({
      method: 'POST',
      url,
      payload: Buffer.from(payload),
      timestamp: scope.timestamp,
      service,
      secretId: scope.secretId,
      secretKey: 'differential-secret',
      multipart: false,
      boundary: '',
      headers: { 'Content-Type': 'application/json' },
    });
    const ours = new Tc3Signer('differential-secret').authorization(scope, {
      method: 'POST',
      path: '/',
      query: '',
      headers: { 'content-type': 'application/json', host: new URL(url).hostname },
      payload,
    });
    expect(ours).toBe(sdk);
  });
});

describe('the client’s requests on the wire, checked by the documentation’s rules', () => {
  const secretKey = 'wire-secret';
  const arrived: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      arrived.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"Response":{"RequestId":"captured"}}');
    });
  });
  let client: TencentClient;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new TencentClient({
      credentials: { secretId: 'AKIDWIRE', secretKey },
      endpoints: { ess: endpoint, essbasic: endpoint },
      timeoutMs: 2_000,
    });
  });
  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    [
      ChannelCancelMultiFlowSignQRCode.name,
      ChannelCancelMultiFlowSignQRCode,
      {
        Agent: { AppId: 'app', ProxyOrganizationOpenId: 'org', ProxyOperator: { OpenId: '操作员' } },
        QrCodeId: 'Q'.repeat(32),
      },
    ],
    [
      CancelUserAutoSignEnableUrl.name,
      CancelUserAutoSignEnableUrl,
      {
        Operator: { UserId: 'user' },
        SceneKey: 'OTHER' as const,
        UserInfo: { Name: '小明', IdCardType: 'ID_CARD' as const, IdCardNumber: '610000000000000000' },
      },
    ],
  ])('%s verifies, with the action signed in lower case', async (_name, action, request) => {
    arrived.length = 0;
    expect(await client.call(action, request as never)).toMatchObject({ ok: true, requestId: 'captured' });
    const [sent] = arrived;
    expect(sent?.headers['x-tc-action']).toBe(action.name);
    const check = docVerify(sent!, secretKey);
    expect(check).toMatchObject({ valid: true, signedHeaders: ['content-type', 'host', 'x-tc-action'] });
    expect(check.canonicalRequest).toContain(`x-tc-action:${action.name.toLowerCase()}\n`);
    expect(docVerify(sent!, 'another-secret').valid).toBe(false);
  });
});

describe('signing keys and dates', () => {
  it('uses the UTC date of the timestamp for the scope', () => {
    expect(utcDate(1551113065)).toBe('2019-02-25');
    expect(utcDate(1700006399)).toBe('2023-11-14');
    expect(utcDate(1700006400)).toBe('2023-11-15');
  });

  it('keeps one signing key per date and service', () => {
    const signer = new Tc3Signer(edition2019.secretKey);
    const first = signer.signingKey('2019-02-25', 'cvm');
    expect(signer.signingKey('2019-02-25', 'cvm')).toBe(first);
    expect(signer.signingKey('2019-02-26', 'cvm')).not.toEqual(first);
    expect(signer.signingKey('2019-02-25', 'ess')).not.toEqual(first);
  });
});
