import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { apiKeyDigest } from '../../src/plugins/auth/api-keys.js';
import { loadConfig } from '../../src/config/index.js';
import { compiled } from '../support/build.js';
import { configError } from '../support/config.js';
import { EMPTY_HOME } from '../support/service.js';

const credentials = { TENCENTCLOUD_SECRET_ID: 'AKIDAUTHTEST', TENCENTCLOUD_SECRET_KEY: 'auth-test-secret' };
const production = { ...credentials, NODE_ENV: 'production' };
const jwks = {
  AUTH_JWKS_URL: 'https://id.example.test/.well-known/jwks.json',
  AUTH_JWT_ISSUER: 'https://id.example.test/',
  AUTH_JWT_AUDIENCE: 'esign',
};
const SECRET = 'a-shared-secret-of-at-least-32-characters';
const digest = apiKeyDigest('esk_config-test');

/** The message of the ConfigError that `env` causes. */
describe('caller authentication configuration', () => {
  it('is off, with loopback origins allowed, in sandbox mode when nothing is set', () => {
    expect(loadConfig({}, EMPTY_HOME)).toMatchObject({ auth: undefined, browser: { corsOrigins: 'loopback' } });
  });

  it('refuses NODE_ENV=production without caller authentication, in one line naming the variables', () => {
    const message = configError(production);
    expect(message).toBe(
      'Refusing to start: NODE_ENV=production but no caller authentication (set AUTH_JWKS_URL or AUTH_JWT_SECRET with AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE, or AUTH_API_KEYS).',
    );
  });

  it('reads a JWKS configuration with the default claim names and clock tolerance; no CORS origin in production', () => {
    expect(loadConfig({ ...production, ...jwks }, EMPTY_HOME)).toMatchObject({
      auth: {
        jwt: {
          key: { jwksUrl: jwks.AUTH_JWKS_URL },
          issuer: jwks.AUTH_JWT_ISSUER,
          audience: 'esign',
          clockToleranceSeconds: 30,
          claims: {
            essOperatorUserId: 'ess_operator_user_id',
            essProxyOrganizationId: 'ess_proxy_organization_id',
            essbasicProxyOrganizationOpenId: 'essbasic_proxy_organization_open_id',
            essbasicProxyOperatorOpenId: 'essbasic_proxy_operator_open_id',
          },
        },
        apiKeys: [],
      },
      browser: { corsOrigins: [] },
    });
  });

  it('reads a shared secret, claim names, API keys and CORS origins', () => {
    const config = loadConfig(
      {
        ...production,
        AUTH_JWT_SECRET: SECRET,
        AUTH_JWT_ISSUER: 'issuer',
        AUTH_JWT_AUDIENCE: 'audience',
        AUTH_JWT_CLOCK_TOLERANCE_SECONDS: '0',
        AUTH_CLAIM_ESS_OPERATOR_USER_ID: 'https://clinic.example/ess_user',
        AUTH_API_KEYS: JSON.stringify([{ name: 'billing', sha256: digest, essOperatorUserId: 'op' }]),
        CORS_ORIGINS: 'https://app.example.test, http://localhost:5173',
      },
      EMPTY_HOME,
    );
    expect(config.auth).toMatchObject({
      jwt: {
        key: { secret: SECRET },
        clockToleranceSeconds: 0,
        claims: { essOperatorUserId: 'https://clinic.example/ess_user' },
      },
      apiKeys: [{ name: 'billing', sha256: digest, essOperatorUserId: 'op', unrestricted: false }],
    });
    expect(config.browser.corsOrigins).toEqual(['https://app.example.test', 'http://localhost:5173']);
  });

  it('turns authentication on outside production when configured', () => {
    expect(
      loadConfig({ AUTH_API_KEYS: JSON.stringify([{ name: 'a', sha256: digest }]) }, EMPTY_HOME).auth,
    ).toMatchObject({
      jwt: undefined,
      apiKeys: [{ name: 'a' }],
    });
  });

  it.each([
    [{ ...jwks, AUTH_JWT_SECRET: SECRET }, /AUTH_JWKS_URL and AUTH_JWT_SECRET are both set/],
    [{ AUTH_JWKS_URL: jwks.AUTH_JWKS_URL }, /need AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE/],
    [{ AUTH_JWT_ISSUER: 'issuer', AUTH_JWT_AUDIENCE: 'aud' }, /need a key: set AUTH_JWKS_URL or AUTH_JWT_SECRET/],
    [{ ...jwks, AUTH_JWKS_URL: 'http://id.example.test/jwks.json' }, /AUTH_JWKS_URL: must be an https:\/\/ URL/],
    [{ ...jwks, AUTH_JWKS_URL: 'not a url' }, /AUTH_JWKS_URL/],
    [
      { ...jwks, AUTH_JWT_CLOCK_TOLERANCE_SECONDS: '3600' },
      /AUTH_JWT_CLOCK_TOLERANCE_SECONDS: must be a whole number from 0 to 300/,
    ],
    [
      { AUTH_JWT_SECRET: 'short', AUTH_JWT_ISSUER: 'i', AUTH_JWT_AUDIENCE: 'a' },
      /AUTH_JWT_SECRET: must be at least 32 characters/,
    ],
    [{ AUTH_API_KEYS: '{not json' }, /AUTH_API_KEYS: must be a JSON array/],
    [{ AUTH_API_KEYS: '[]' }, /AUTH_API_KEYS: must list at least one key/],
    [
      { AUTH_API_KEYS: JSON.stringify([{ name: 'a', sha256: 'abc' }]) },
      /AUTH_API_KEYS\.0\.sha256: must be the 64 hex digits/,
    ],
    [{ AUTH_API_KEYS: JSON.stringify([{ name: 'a', sha256: digest, key: 'plain' }]) }, /AUTH_API_KEYS\.0/],
    [
      { AUTH_API_KEYS: JSON.stringify([{ name: 'a', sha256: digest, unrestricted: true, essOperatorUserId: 'op' }]) },
      /unrestricted key .* takes no identity fields/,
    ],
    [
      {
        AUTH_API_KEYS: JSON.stringify([
          { name: 'a', sha256: digest },
          { name: 'a', sha256: digest },
        ]),
      },
      /key names must be unique/,
    ],
    [
      {
        AUTH_API_KEYS: JSON.stringify([
          { name: 'a', sha256: digest, essOperatorUserId: 'op-a' },
          { name: 'b', sha256: digest.toUpperCase(), essOperatorUserId: 'op-b' },
        ]),
      },
      /AUTH_API_KEYS: each key must be listed once: two entries have the same sha256$/,
    ],
    [{ CORS_ORIGINS: 'https://app.example.test/path' }, /CORS_ORIGINS\.0: each entry must be an origin/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(configError(env)).toMatch(message);
  });

  it('never repeats a secret in its messages', () => {
    const shortSecret = 'tooShortButSecret';
    expect(configError({ AUTH_JWT_SECRET: shortSecret, AUTH_JWT_ISSUER: 'i', AUTH_JWT_AUDIENCE: 'a' })).not.toContain(
      shortSecret,
    );
  });
});

describe('exposure: who may reach a service without caller authentication', () => {
  const apiKeys = JSON.stringify([{ name: 'a', sha256: digest }]);

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '::ffff:127.0.0.1'])(
    'starts without authentication on the loopback address %s',
    (HOST) => {
      expect(loadConfig({ ...credentials, HOST }, EMPTY_HOME)).toMatchObject({ host: HOST, auth: undefined });
    },
  );

  it.each(['0.0.0.0', '::', '192.168.1.10', 'esign.internal', '128.0.0.1'])(
    'refuses HOST=%s without authentication, in one line naming the variables',
    (HOST) => {
      for (const env of [{ HOST }, { ...credentials, HOST }]) {
        expect(configError(env)).toBe(
          `Refusing to start: HOST=${HOST} is reachable beyond loopback but no caller authentication is configured (set AUTH_JWKS_URL or AUTH_JWT_SECRET with AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE, or AUTH_API_KEYS; or ALLOW_UNAUTHENTICATED=true to serve anyone who can reach it).`,
        );
      }
    },
  );

  it('starts beyond loopback with authentication, or when the operator asks for none with ALLOW_UNAUTHENTICATED=true', () => {
    expect(loadConfig({ ...credentials, HOST: '0.0.0.0', AUTH_API_KEYS: apiKeys }, EMPTY_HOME).auth).toBeDefined();
    expect(loadConfig({ ...credentials, HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' }, EMPTY_HOME).auth).toBe(
      undefined,
    );
  });

  it('refuses ALLOW_UNAUTHENTICATED=true in production and beside configured authentication', () => {
    expect(configError({ ...production, AUTH_API_KEYS: apiKeys, ALLOW_UNAUTHENTICATED: 'true' })).toBe(
      'Invalid configuration: ALLOW_UNAUTHENTICATED=true cannot be used with NODE_ENV=production, which always authenticates callers',
    );
    expect(configError({ ...production, ALLOW_UNAUTHENTICATED: 'true' })).toMatch(
      /cannot be used with NODE_ENV=production/,
    );
    expect(configError({ HOST: '0.0.0.0', AUTH_API_KEYS: apiKeys, ALLOW_UNAUTHENTICATED: 'true' })).toMatch(
      /^Invalid configuration: ALLOW_UNAUTHENTICATED=true contradicts the caller authentication configured/,
    );
  });
});

describe('npm start and npm run api-key', () => {
  const run = promisify(execFile);

  it('npm start refuses production with credentials but no caller authentication, in one line', async () => {
    const failure = run(process.execPath, [compiled()], {
      env: { PATH: process.env.PATH, HOME: EMPTY_HOME, ...production },
      timeout: 15_000,
    });
    await expect(failure).rejects.toMatchObject({ code: 1 });
    const { stderr } = (await failure.catch((e: { stderr: string }) => e)) as { stderr: string };
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Refusing to start: NODE_ENV=production but no caller authentication/),
    ]);
  });

  it('npm run api-key prints a new key and the AUTH_API_KEYS entry holding only its digest', async () => {
    const { stdout } = await run(process.execPath, [compiled('cli/api-key.js'), 'billing'], {
      timeout: 15_000,
    });
    const key = /: (esk_[\w-]{43})$/m.exec(stdout)?.[1];
    const entry = JSON.parse(/AUTH_API_KEYS entry[^:]*: (\{.*\})$/m.exec(stdout)![1]!) as unknown;
    expect(entry).toEqual({ name: 'billing', sha256: apiKeyDigest(key!) });
    expect(loadConfig({ AUTH_API_KEYS: JSON.stringify([entry]) }, EMPTY_HOME).auth?.apiKeys).toHaveLength(1);
  });
});
