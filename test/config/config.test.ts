import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { compiled } from '../support/build.js';
import { configError, homeWithProfile } from '../support/config.js';
import { freePort } from '../support/ports.js';
import { EMPTY_HOME } from '../support/service.js';

const credentials = { TENCENTCLOUD_SECRET_ID: 'AKIDCONFIGTEST', TENCENTCLOUD_SECRET_KEY: 'config-test-secret' };

describe('loadConfig', () => {
  it('runs in sandbox mode with the contract defaults when nothing is set', () => {
    expect(loadConfig({}, EMPTY_HOME)).toEqual({
      port: 4000,
      host: '127.0.0.1',
      production: false,
      mode: 'sandbox',
      environment: 'production',
      // Nothing configured: only the CVM instance role is left, asked at start-up.
      credentials: {
        base: { kind: 'cvm-role', metadataUrl: 'http://metadata.tencentyun.com/latest/meta-data/' },
        role: undefined,
        stsEndpoint: 'https://sts.tencentcloudapi.com',
        notes: [],
      },
      endpoints: { ess: 'https://ess.tencentcloudapi.com', essbasic: 'https://essbasic.tencentcloudapi.com' },
      region: undefined,
      language: undefined,
      defaults: { essOperatorUserId: undefined, essbasicAppId: undefined },
      timeoutMs: 10_000,
      reliability: {
        rateLimitPerSecond: 20,
        rateLimitMaxWaitMs: 5_000,
        rateLimitGuardMs: 25,
        rateLimitLocalShareMs: 120_000,
        retryAttempts: 3,
        breakerFailures: 5,
        breakerCooldownMs: 10_000,
        breakerSlowCallMs: 3_000,
      },
      // 20/s paced 51.25 ms apart (guard 25 ms): 98 calls start within the 5,000 ms wait.
      maxBatchItems: 98,
      redisUrl: undefined,
      idempotencyTtlSeconds: 86_400,
      idempotencyMaxRecords: 100_000,
      shutdownTimeoutMs: 10_000,
      auth: undefined,
      browser: { corsOrigins: 'loopback' },
      logLevel: 'info',
      protection: {
        limits: { aliases: 5, depth: 6, tokens: 1000, directives: 10 },
        maxBodyBytes: 100_000,
        batchLimit: 0,
        graphiql: true,
        introspection: true,
        trustedDocuments: undefined,
        apqCacheBytes: 5_000_000,
      },
    });
  });

  it('uses Tencent production with credentials, and the test environment when asked', () => {
    expect(loadConfig(credentials, EMPTY_HOME)).toMatchObject({
      mode: 'production',
      credentials: {
        base: { kind: 'fixed', credentials: { secretId: 'AKIDCONFIGTEST', secretKey: 'config-test-secret' } },
      },
    });
    expect(loadConfig({ ...credentials, TENCENT_ESIGN_ENV: 'test' }, EMPTY_HOME)).toMatchObject({
      mode: 'test',
      endpoints: { ess: 'https://ess.test.ess.tencent.cn', essbasic: 'https://essbasic.test.ess.tencent.cn' },
    });
  });

  it('reads every variable of the contract', () => {
    const config = loadConfig(
      {
        ...credentials,
        TENCENTCLOUD_SESSION_TOKEN: 'tok',
        PORT: '8080',
        HOST: '0.0.0.0',
        ALLOW_UNAUTHENTICATED: 'true',
        TENCENT_ESS_ENDPOINT: 'http://127.0.0.1:9100',
        TENCENT_ESSBASIC_ENDPOINT: 'http://127.0.0.1:9101/base',
        TENCENT_REGION: 'ap-guangzhou',
        TENCENT_ESS_OPERATOR_USER_ID: 'operator',
        TENCENT_ESSBASIC_APP_ID: 'app',
        TENCENT_LANGUAGE: 'en-US',
        TENCENT_RATE_LIMIT_PER_SECOND: '0',
        TENCENT_TIMEOUT_MS: '2500',
        TENCENT_RATE_LIMIT_MAX_WAIT_MS: '100',
        TENCENT_RATE_LIMIT_GUARD_MS: '10',
        TENCENT_RATE_LIMIT_LOCAL_SHARE_MS: '60000',
        TENCENT_BREAKER_SLOW_CALL_MS: '1500',
        TENCENT_RETRY_ATTEMPTS: '1',
        TENCENT_BREAKER_FAILURES: '2',
        TENCENT_BREAKER_COOLDOWN_MS: '500',
        REDIS_URL: 'redis://127.0.0.1:6390/2',
        IDEMPOTENCY_TTL_SECONDS: '60',
        IDEMPOTENCY_MAX_RECORDS: '500',
        SHUTDOWN_TIMEOUT_MS: '0',
        LOG_LEVEL: 'debug',
        GRAPHQL_MAX_ALIASES: '2',
        GRAPHQL_MAX_DEPTH: '4',
        GRAPHQL_MAX_TOKENS: '300',
        GRAPHQL_MAX_DIRECTIVES: '0',
        MAX_BODY_BYTES: '20000',
        GRAPHQL_BATCH_LIMIT: '5',
        GRAPHIQL: 'false',
        INTROSPECTION: 'false',
        TENCENTCLOUD_ROLE_ARN: 'qcs::cam::uin/100000000001:roleName/esign',
        TENCENTCLOUD_ROLE_SESSION_NAME: 'esign-ops',
        TENCENT_ROLE_DURATION_SECONDS: '900',
        TENCENT_STS_ENDPOINT: 'http://127.0.0.1:9100',
        APQ_CACHE_BYTES: '0',
      },
      EMPTY_HOME,
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      credentials: {
        base: { kind: 'fixed', credentials: { token: 'tok' } },
        role: { roleArn: 'qcs::cam::uin/100000000001:roleName/esign', sessionName: 'esign-ops', durationSeconds: 900 },
        stsEndpoint: 'http://127.0.0.1:9100',
      },
      endpoints: { ess: 'http://127.0.0.1:9100', essbasic: 'http://127.0.0.1:9101/base' },
      region: 'ap-guangzhou',
      defaults: { essOperatorUserId: 'operator', essbasicAppId: 'app' },
      language: 'en-US',
      timeoutMs: 2500,
      reliability: {
        rateLimitPerSecond: 0,
        rateLimitMaxWaitMs: 100,
        rateLimitGuardMs: 10,
        rateLimitLocalShareMs: 60_000,
        retryAttempts: 1,
        breakerFailures: 2,
        breakerCooldownMs: 500,
        breakerSlowCallMs: 1_500,
      },
      redisUrl: 'redis://127.0.0.1:6390/2',
      idempotencyTtlSeconds: 60,
      idempotencyMaxRecords: 500,
      shutdownTimeoutMs: 0,
      auth: undefined,
      logLevel: 'debug',
      protection: {
        limits: { aliases: 2, depth: 4, tokens: 300, directives: 0 },
        maxBodyBytes: 20_000,
        batchLimit: 5,
        graphiql: false,
        introspection: false,
        apqCacheBytes: 0,
      },
    });
  });

  it('falls back to the [default] profile of ~/.tencentcloud/credentials', () => {
    const home = homeWithProfile(
      '[other]\nsecret_id = AKIDOTHER\nsecret_key = other\n\n[default]\nsecret_id = AKIDPROFILE\nsecret_key = profile-key\ntoken = profile-token\n',
    );
    expect(loadConfig({}, home)).toMatchObject({
      mode: 'production',
      credentials: {
        base: { credentials: { secretId: 'AKIDPROFILE', secretKey: 'profile-key', token: 'profile-token' } },
      },
    });
    // The environment wins over the profile.
    expect(loadConfig(credentials, home).credentials.base).toMatchObject({
      credentials: { secretId: 'AKIDCONFIGTEST', secretKey: 'config-test-secret' },
    });
  });

  it.each([
    [{ TENCENTCLOUD_SECRET_ID: 'AKIDONLY' }, 'TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not'],
    [{ TENCENTCLOUD_SECRET_KEY: 'only-a-key' }, 'TENCENTCLOUD_SECRET_KEY is set but TENCENTCLOUD_SECRET_ID is not'],
  ])('goes on to the profile file with only one of the pair %j, as the SDK does, and says why', (env, note) => {
    const home = homeWithProfile('[default]\nsecret_id = AKIDPROFILE\nsecret_key = profile-key\n');
    expect(loadConfig(env, home).credentials).toMatchObject({
      base: { kind: 'fixed', credentials: { secretId: 'AKIDPROFILE' } },
      notes: [note],
    });
    // With nothing after it and no CVM role to ask, production's refusal quotes the reason.
    expect(configError({ ...env, NODE_ENV: 'production', TENCENT_CVM_ROLE: 'off' })).toContain(note);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT: must be a whole number from 0 to 65535$/],
    [{ PORT: '70000' }, /PORT: must be a whole number/],
    [{ TENCENT_ESIGN_ENV: 'staging' }, /TENCENT_ESIGN_ENV: must be one of: production, test/],
    [{ TENCENT_ESS_ENDPOINT: 'ftp://example' }, /TENCENT_ESS_ENDPOINT: must be an http/],
    [{ TENCENT_ESSBASIC_ENDPOINT: 'not a url' }, /TENCENT_ESSBASIC_ENDPOINT: must be an http/],
    [
      { TENCENT_ESS_ENDPOINT: 'https://user:pass@ess.example' },
      /TENCENT_ESS_ENDPOINT: must not contain a user name or password/,
    ],
    [{ NODE_ENV: 'Production' }, /NODE_ENV: must be one of: production, development, test/],
    [{ TENCENT_LANGUAGE: 'fr-FR' }, /TENCENT_LANGUAGE: must be one of: zh-CN, en-US/],
    [{ TENCENT_RATE_LIMIT_PER_SECOND: '-1' }, /TENCENT_RATE_LIMIT_PER_SECOND: must be a whole number/],
    [
      { TENCENT_RATE_LIMIT_MAX_WAIT_MS: '10000' },
      /^Invalid configuration: TENCENT_RATE_LIMIT_MAX_WAIT_MS \(10000\) must be below TENCENT_TIMEOUT_MS \(10000\)/,
    ],
    [{ TENCENT_RATE_LIMIT_GUARD_MS: '1001' }, /TENCENT_RATE_LIMIT_GUARD_MS: must be a whole number from 0 to 1000/],
    [{ TENCENT_TIMEOUT_MS: '0' }, /TENCENT_TIMEOUT_MS: must be a whole number from 1/],
    [{ TENCENT_TIMEOUT_MS: '1.5' }, /TENCENT_TIMEOUT_MS/],
    [{ TENCENT_REGION: '   ' }, /TENCENT_REGION: must not be blank/],
    [{ TENCENT_RETRY_ATTEMPTS: '0' }, /TENCENT_RETRY_ATTEMPTS: must be a whole number from 1 to 10/],
    [{ TENCENT_BREAKER_COOLDOWN_MS: '10' }, /TENCENT_BREAKER_COOLDOWN_MS/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, /SHUTDOWN_TIMEOUT_MS/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace, silent/],
    [{ GRAPHQL_MAX_ALIASES: '-1' }, /GRAPHQL_MAX_ALIASES: must be a whole number from 0 to 1000/],
    [{ GRAPHQL_MAX_DEPTH: '0' }, /GRAPHQL_MAX_DEPTH: must be a whole number from 1/],
    [{ MAX_BODY_BYTES: '100kb' }, /MAX_BODY_BYTES: must be a whole number from 1000 to 100000000/],
    [{ GRAPHQL_BATCH_LIMIT: '1000' }, /GRAPHQL_BATCH_LIMIT: must be a whole number from 0 to 100/],
    [{ GRAPHIQL: 'yes' }, /GRAPHIQL: must be true or false/],
    [{ INTROSPECTION: '1' }, /INTROSPECTION: must be true or false/],
    [{ IDEMPOTENCY_MAX_RECORDS: '0' }, /IDEMPOTENCY_MAX_RECORDS: must be a whole number from 1 to 10000000/],
    [{ ALLOW_UNAUTHENTICATED: 'yes' }, /ALLOW_UNAUTHENTICATED: must be true or false/],
    [{ TENCENTCLOUD_ROLE_ARN: 'esign-role' }, /TENCENTCLOUD_ROLE_ARN: must be a CAM role ARN/],
    [{ TENCENTCLOUD_ROLE_SESSION_NAME: 'a b' }, /TENCENTCLOUD_ROLE_SESSION_NAME: must be 2–128/],
    [
      { TENCENT_ROLE_DURATION_SECONDS: '43201' },
      /TENCENT_ROLE_DURATION_SECONDS: must be a whole number from 1 to 43200/,
    ],
    [{ TENCENT_CVM_ROLE: 'yes' }, /TENCENT_CVM_ROLE: must be one of: auto, off/],
    [{ FEDERATION: 'yes' }, /FEDERATION: must be true or false/],
    [{ FEDERATION: 'true', FEDERATION_TYPE_PREFIX: 'esign' }, /FEDERATION_TYPE_PREFIX: must be a type name/],
    [
      { FEDERATION_TYPE_PREFIX: 'Esign' },
      /^Invalid configuration: FEDERATION_TYPE_PREFIX is set without FEDERATION=true$/,
    ],
    [
      { FEDERATION: 'true', TRUSTED_DOCUMENTS: '/nonexistent/manifest.json' },
      /^Invalid configuration: FEDERATION=true with TRUSTED_DOCUMENTS/,
    ],
    [{ TENCENT_METADATA_URL: 'metadata' }, /TENCENT_METADATA_URL: must be an http/],
    [{ TENCENT_STS_ENDPOINT: 'https://id:key@sts.example' }, /TENCENT_STS_ENDPOINT: must not contain a user name/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(configError(env)).toMatch(message);
  });

  it('turns GraphiQL and introspection off in production unless switched on', () => {
    const apiKeys = JSON.stringify([{ name: 'ops', sha256: 'a'.repeat(64), unrestricted: true }]);
    const production = { ...credentials, NODE_ENV: 'production', AUTH_API_KEYS: apiKeys };
    expect(loadConfig(production, EMPTY_HOME).protection).toMatchObject({ graphiql: false, introspection: false });
    expect(loadConfig({ ...production, GRAPHIQL: 'true', INTROSPECTION: 'true' }, EMPTY_HOME).protection).toMatchObject(
      {
        graphiql: true,
        introspection: true,
      },
    );
  });

  it('refuses production without credentials, in one line, when no CVM instance role is to be asked', () => {
    const message = configError({ NODE_ENV: 'production', TENCENT_CVM_ROLE: 'off' });
    expect(message).toMatch(/^Refusing to start: NODE_ENV=production but no Tencent credentials/);
    expect(message).not.toContain('\n');
  });

  it('never repeats a secret in its messages', () => {
    const message = configError({ ...credentials, TENCENTCLOUD_SESSION_TOKEN: 'session-secret', PORT: 'x' });
    expect(message).not.toContain('config-test-secret');
    expect(message).not.toContain('session-secret');
  });

  it('traces only with an OTLP endpoint: the signal’s own URL as it is, else the base’s /v1/traces', () => {
    expect(loadConfig({}, EMPTY_HOME).tracing).toBeUndefined();
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(loadConfig(base, EMPTY_HOME).tracing).toEqual({
      url: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'esign-graphql',
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp/' }, EMPTY_HOME).tracing?.url).toBe(
      'http://collector:4318/otlp/v1/traces',
    );
    const traces = {
      ...base,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://apm.example/traces',
      OTEL_SERVICE_NAME: 'esign-a',
    };
    expect(loadConfig(traces, EMPTY_HOME).tracing).toEqual({
      url: 'https://apm.example/traces',
      serviceName: 'esign-a',
    });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /^Invalid configuration: OTEL_EXPORTER_OTLP_ENDPOINT: /],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://user:token@collector/v1/traces' },
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: must not contain a user name or password/,
    ],
  ])('refuses a bad OTLP endpoint %j naming the variable', (env, message) => {
    expect(configError(env)).toMatch(message);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', TENCENTCLOUD_SECRET_ID: '', TENCENTCLOUD_SECRET_KEY: '' }, EMPTY_HOME)).toMatchObject(
      {
        port: 4000,
        mode: 'sandbox',
      },
    );
  });
});

describe('npm start', () => {
  const run = promisify(execFile);
  const start = (env: NodeJS.ProcessEnv) =>
    run(process.execPath, [compiled()], {
      env: { PATH: process.env.PATH, HOME: EMPTY_HOME, ...env },
      timeout: 15_000,
    });

  it('stops with exit code 1 and a message naming the bad variable', async () => {
    await expect(start({ PORT: 'nope' })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('PORT: must be a whole number'),
    });
  });

  it('refuses NODE_ENV=production without credentials with a one-line reason', async () => {
    // No metadata service answers there, as off Tencent Cloud.
    const failure = start({ NODE_ENV: 'production', TENCENT_METADATA_URL: `http://127.0.0.1:${await freePort()}/` });
    await expect(failure).rejects.toMatchObject({ code: 1 });
    const { stderr } = (await failure.catch((e: { stderr: string }) => e)) as { stderr: string };
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Refusing to start: NODE_ENV=production/)]);
  });
});

describe('maxBatchItems', () => {
  it.each([
    [{ TENCENT_RATE_LIMIT_MAX_WAIT_MS: '0' }, 1],
    [{ TENCENT_RATE_LIMIT_MAX_WAIT_MS: '1000', TENCENT_RATE_LIMIT_GUARD_MS: '0' }, 21],
    [{ TENCENT_RATE_LIMIT_MAX_WAIT_MS: '2500', TENCENT_RATE_LIMIT_GUARD_MS: '150' }, 44],
    [{ TENCENT_RATE_LIMIT_PER_SECOND: '0' }, 100],
    [
      { TENCENT_RATE_LIMIT_PER_SECOND: '10000', TENCENT_TIMEOUT_MS: '60000', TENCENT_RATE_LIMIT_MAX_WAIT_MS: '50000' },
      1000,
    ],
  ])('follows the call budget: %o → %i', (env, items) => {
    expect(loadConfig(env, EMPTY_HOME).maxBatchItems).toBe(items);
  });
});
