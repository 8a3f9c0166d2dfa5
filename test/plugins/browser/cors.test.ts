/** `Vary: Origin`: whenever the CORS answer depends on the request's origin, every response says so. */
import { describe, expect, it } from 'vitest';
import type { TencentCaller } from '../../../src/tencent/client.js';
import { appFor } from '../../support/app.js';

const tencent = { call: async () => ({ ok: true, requestId: 'r' }) } as unknown as TencentCaller;

const request = (origin?: string, method = 'POST') => ({
  method,
  headers: {
    'content-type': 'application/json',
    ...(origin ? { origin } : {}),
    ...(method === 'OPTIONS' ? { 'access-control-request-method': 'POST' } : {}),
  },
  ...(method === 'POST' ? { body: JSON.stringify({ query: '{ mode }' }) } : {}),
});

describe('Vary: Origin', () => {
  it.each([
    ['loopback origins (the default outside production)', {}],
    ['a list of origins', { CORS_ORIGINS: 'https://app.example.test' }],
  ])('is on every response with %s', async (_what, env) => {
    const yoga = appFor({ tencent, env });
    for (const init of [
      request('http://localhost:5173'),
      request('https://app.example.test'),
      request('https://evil.example.test'),
      request(),
      request('https://app.example.test', 'OPTIONS'),
    ]) {
      const res = await yoga.fetch('http://localhost/graphql', init);
      expect(res.headers.get('vary')?.split(/,\s*/)).toContain('Origin');
    }
  });

  it('is left out when no origin can ever be allowed (production without CORS_ORIGINS)', async () => {
    const apiKeys = JSON.stringify([{ name: 'k', sha256: 'a'.repeat(64) }]);
    const production = appFor({ tencent, env: { NODE_ENV: 'production', AUTH_API_KEYS: apiKeys } });
    const res = await production.fetch('http://localhost/graphql', request('https://app.example.test'));
    expect(res.headers.get('vary') ?? '').not.toMatch(/origin/i);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
