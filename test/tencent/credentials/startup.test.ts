/**
 * What start-up makes of the chain: sandbox mode or refusal when nothing has credentials, once the CVM metadata
 * service (the last resort) has been asked; refusal when a configured provider cannot deliver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { apiKeyDigest } from '../../../src/plugins/auth/api-keys.js';
import { type RunningService, startService } from '../../../src/server/service.js';
import { ROLE_ARN } from '../../support/credentials.js';
import { TEST_CREDENTIALS, useEmulator } from '../../support/emulator.js';
import { type FakeMetadata, startMetadata } from '../../support/metadata.js';
import { EMPTY_HOME, PRODUCTION_AUTH } from '../../support/service.js';

const emulator = useEmulator();
let unbound: FakeMetadata;
beforeAll(async () => {
  unbound = await startMetadata(emulator.current, { role: undefined });
});
afterAll(() => unbound.close());

const production = {
  NODE_ENV: 'production',
  AUTH_API_KEYS: JSON.stringify([
    { name: 't', sha256: apiKeyDigest(PRODUCTION_AUTH['x-api-key']), unrestricted: true },
  ]),
};

async function refusal(env: NodeJS.ProcessEnv): Promise<string> {
  const started = startService(loadConfig({ PORT: '0', ...env }, EMPTY_HOME), false);
  await expect(started).rejects.toBeInstanceOf(ConfigError);
  return ((await started.catch((error: Error) => error)) as Error).message;
}

describe('start-up', () => {
  it('runs in sandbox mode when nothing is configured and no role is bound to the instance', async () => {
    let service: RunningService | undefined;
    try {
      service = await startService(loadConfig({ PORT: '0', TENCENT_METADATA_URL: unbound.url }, EMPTY_HOME), false);
      expect(service.mode).toBe('SANDBOX');
      expect(service.emulator).toBeDefined();
    } finally {
      await service?.close();
    }
  });

  it('refuses production then, in one line saying what the metadata service answered', async () => {
    const message = await refusal({ ...production, TENCENT_METADATA_URL: unbound.url });
    expect(message).toMatch(
      /^Refusing to start: NODE_ENV=production but no Tencent credentials \(CVM instance role: the metadata service says no role is bound to this instance\): set TENCENTCLOUD_SECRET_ID/,
    );
    expect(message).not.toContain('\n');
  });

  it('refuses to start, outside production too, when a configured role cannot be assumed', async () => {
    const message = await refusal({
      TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: 'not-the-key',
      TENCENTCLOUD_ROLE_ARN: ROLE_ARN,
      TENCENT_STS_ENDPOINT: emulator.current.url,
    });
    expect(message).toMatch(
      /^Refusing to start: Tencent credentials from TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY → AssumeRole .*AuthFailure.SignatureFailure/,
    );
    expect(message).not.toContain('not-the-key');
  });
});
