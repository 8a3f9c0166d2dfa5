import { describe, expect, it } from 'vitest';
import { canonicalRequest, parseAuthorization, sha256Hex, Tc3Signer, utcDate } from '../../src/tencent/sign.js';

// Tencent's published TC3-HMAC-SHA256 example (API 3.0 signature docs).
const example = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  timestamp: 1551113065,
  service: 'cvm',
  request: {
    method: 'POST',
    path: '/',
    query: '',
    headers: { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' },
    payload: String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`,
  },
};

describe('TC3-HMAC-SHA256', () => {
  it('builds the canonical request of the published example', () => {
    const { text, signedHeaders } = canonicalRequest(example.request);
    expect(signedHeaders).toBe('content-type;host');
    expect(sha256Hex(text)).toBe('5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
  });

  it('produces the published signature and Authorization header', () => {
    const signer = new Tc3Signer(example.secretKey);
    const authorization = signer.authorization(
      { secretId: example.secretId, service: example.service, timestamp: example.timestamp },
      example.request,
    );
    expect(authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, ' +
        'Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('sorts and lower-cases header names regardless of how they are given', () => {
    const a = canonicalRequest({ ...example.request, headers: { Host: 'h:1', 'Content-Type': 'x', 'X-TC-Action': 'A' } });
    const b = canonicalRequest({ ...example.request, headers: { 'x-tc-action': 'A', host: 'h:1', 'content-type': 'x' } });
    expect(a).toEqual(b);
    expect(a.signedHeaders).toBe('content-type;host;x-tc-action');
    expect(a.text).toContain('host:h:1\n');
  });

  it('uses the UTC date of the timestamp for the scope', () => {
    expect(utcDate(1551113065)).toBe('2019-02-25');
    expect(utcDate(1700006399)).toBe('2023-11-14');
    expect(utcDate(1700006400)).toBe('2023-11-15');
  });

  it('keeps one signing key per date and service', () => {
    const signer = new Tc3Signer(example.secretKey);
    const first = signer.signingKey('2019-02-25', 'cvm');
    expect(signer.signingKey('2019-02-25', 'cvm')).toBe(first);
    expect(signer.signingKey('2019-02-26', 'cvm')).not.toEqual(first);
    expect(signer.signingKey('2019-02-25', 'ess')).not.toEqual(first);
  });

  it('parses what it writes and rejects malformed headers', () => {
    const signer = new Tc3Signer(example.secretKey);
    const header = signer.authorization(
      { secretId: example.secretId, service: 'ess', timestamp: example.timestamp },
      example.request,
    );
    expect(parseAuthorization(header)).toEqual({
      secretId: example.secretId,
      date: '2019-02-25',
      service: 'ess',
      signedHeaders: ['content-type', 'host'],
      signature: header.slice(-64),
    });
    expect(parseAuthorization('Bearer abc')).toBeUndefined();
    expect(parseAuthorization(header.replace('tc3_request', 'tc4_request'))).toBeUndefined();
  });
});
