/** Browser rules in sandbox mode, over real HTTP: loopback CORS for local development, CSRF prevention, security headers. */
import { describe, expect, it } from 'vitest';
import { CSRF_REFUSAL } from '../../../src/plugins/browser/csrf.js';
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
      expect(((await res.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe(CSRF_REFUSAL);
      expect(service.current.emulator!.calls).toHaveLength(before);
    },
  );

  it('refuses a GET without the CSRF header, naming the header to send', async () => {
    const res = await fetch(`${service.current.url}?query=${encodeURIComponent('{ mode }')}`, {
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(403);
    const { errors } = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(errors[0]!.message).toContain('add the header X-GraphQL-Yoga-CSRF (any value) to a GET');
    expect(errors[0]!.extensions.code).toBe('CSRF_HEADER_REQUIRED');
  });

  it.each(['X-GraphQL-Yoga-CSRF', 'Apollo-Require-Preflight'])('answers a GET that carries %s', async (header) => {
    const res = await fetch(`${service.current.url}?query=${encodeURIComponent('{ mode }')}`, {
      headers: { accept: 'application/json', [header]: '1' },
    });
    expect(await res.json()).toEqual({ data: { mode: 'SANDBOX' } });
  });

  it('lets a page on another allowed origin read X-Request-Id, Retry-After and WWW-Authenticate', async () => {
    const res = await fetch(service.current.url, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ mode }' }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const exposed = res.headers
      .get('access-control-expose-headers')
      ?.toLowerCase()
      .split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'retry-after', 'www-authenticate']));
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

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
