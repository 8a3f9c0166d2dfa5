/** Browser rules in sandbox mode, over real HTTP: loopback CORS for local development, CSRF prevention, security headers. */
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/emulator/seed.js';
import { loadConfig } from '../../../src/config/index.js';
import { startService } from '../../../src/server/service.js';
import { EMPTY_HOME, SANDBOX_ENV, useService } from '../../support/service.js';

const service = useService(() => startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false));

const preflight = (origin: string) =>
  fetch(service.current.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

const CANCEL_QR = `mutation { channelCancelMultiFlowSignQRCode(input: {
  agent: { appId: "${DEMO.appId}", proxyOrganizationOpenId: "${DEMO.proxyOrganizationOpenId}", proxyOperator: { openId: "${DEMO.proxyOperatorOpenId}" } }
  qrCodeId: "${DEMO.qrCodeId}" }) { __typename } }`;

describe('sandbox mode', () => {
  it.each(['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080'])(
    'lets a local development page at %s call it',
    async (origin) => {
      const res = await preflight(origin);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    },
  );

  it.each(['https://evil.example.test', 'http://localhost.evil.example.test', 'null'])(
    'refuses a preflight from %s',
    async (origin) => {
      const res = await preflight(origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it.each([
    ['a form post', 'application/x-www-form-urlencoded', `query=${encodeURIComponent(CANCEL_QR)}`],
    ['a text/plain post', 'text/plain', JSON.stringify({ query: CANCEL_QR })],
  ])(
    'refuses %s, which a page on any site could send without a preflight, and sends nothing',
    async (_kind, type, body) => {
      const before = service.current.emulator!.calls.length;
      const res = await fetch(service.current.url, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe(
        'Required CSRF header(s) not present',
      );
      expect(service.current.emulator!.calls).toHaveLength(before);
    },
  );

  it('marks JSON answers as never to be rendered or framed', async () => {
    const res = await fetch(service.current.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ mode }' }),
    });
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
