/**
 * The credential chain over HTTP: which provider answers, in what order, and each remote one (TKE OIDC through the
 * emulator's STS, the CVM instance role through a stand-in metadata service, AssumeRole on top of either) delivering
 * credentials the emulator accepts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChainSettings,
  type CredentialChain,
  discoverChain,
  METADATA_URL,
  type OpenCredentials,
  openChain,
  profileFiles,
} from '../../../src/tencent/credentials/index.js';
import { homeWithProfile } from '../../support/config.js';
import { ACCEPTED, answerTo, ROLE_ARN, webIdentityToken } from '../../support/credentials.js';
import { TEST_CREDENTIALS, useEmulator } from '../../support/emulator.js';
import { type FakeMetadata, startMetadata } from '../../support/metadata.js';
import { freePort } from '../../support/ports.js';

const emulator = useEmulator({ sts: { oidcProviderId: 'tke-oidc' } });
let metadata: FakeMetadata;
beforeAll(async () => {
  metadata = await startMetadata(emulator.current);
});
afterAll(() => metadata.close());

const opened: OpenCredentials[] = [];
afterAll(() => Promise.all(opened.map((open) => open.close())));

const nowhere = mkdtempSync(join(tmpdir(), 'esign-nohome-'));
const tokenDir = mkdtempSync(join(tmpdir(), 'esign-oidc-'));
const tokenFile = join(tokenDir, 'token');
writeFileSync(tokenFile, `${webIdentityToken({ exp: Date.now() / 1000 + 3600 })}\n`);

const tke = { region: 'ap-guangzhou', providerId: 'tke-oidc', tokenFile, roleArn: ROLE_ARN };

function settings(overrides: Partial<ChainSettings> = {}): ChainSettings {
  return {
    environment: {},
    profileFiles: profileFiles(nowhere, join(nowhere, 'system')),
    tke: {},
    cvmRole: true,
    metadataUrl: metadata.url,
    session: { sessionName: 'esign-test', durationSeconds: 3600 },
    roleArn: undefined,
    stsEndpoint: emulator.current.url,
    ...overrides,
  };
}

async function open(chain: CredentialChain): Promise<OpenCredentials> {
  const result = await openChain(chain);
  if (!result.open) throw new Error(`expected credentials, got: ${result.unavailable}`);
  opened.push(result.open);
  return result.open;
}

describe('the order of the chain', () => {
  const profile = homeWithProfile('[default]\nsecret_id = AKIDPROFILE\nsecret_key = profile-key\n');

  it('takes the environment first, then the profile files, then TKE OIDC, then the CVM instance role', () => {
    const all = settings({ environment: TEST_CREDENTIALS, profileFiles: profileFiles(profile), tke });
    expect(discoverChain(all).base).toMatchObject({
      kind: 'fixed',
      origin: 'TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY',
    });
    expect(discoverChain({ ...all, environment: {} }).base).toMatchObject({
      kind: 'fixed',
      origin: join(profile, '.tencentcloud', 'credentials'),
    });
    expect(discoverChain({ ...all, environment: {}, profileFiles: [] }).base).toMatchObject({ kind: 'tke-oidc' });
    expect(discoverChain(settings()).base).toEqual({ kind: 'cvm-role', metadataUrl: metadata.url });
    expect(discoverChain(settings({ cvmRole: false })).base).toBeUndefined();
  });

  it('passes over TKE variables that are only partly set, saying which are missing', () => {
    const chain = discoverChain(settings({ tke: { region: 'ap-guangzhou', roleArn: ROLE_ARN } }));
    expect(chain.base?.kind).toBe('cvm-role');
    expect(chain.notes).toEqual(['TKE OIDC passed over: TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE not set']);
  });

  it('answers the fixed credentials of the environment as they are, without a promise', async () => {
    const { source, description } = await open(discoverChain(settings({ environment: TEST_CREDENTIALS })));
    expect(description).toBe('TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY');
    const first = source.current();
    expect(first).not.toBeInstanceOf(Promise);
    expect(source.current()).toBe(first);
    expect(await answerTo(emulator.current, source)).toBe(ACCEPTED);
  });
});

describe('the TKE OIDC role', () => {
  it('exchanges the token file’s token with AssumeRoleWithWebIdentity for credentials the emulator accepts', async () => {
    const { source, description } = await open(discoverChain(settings({ tke })));
    expect(description).toBe(`TKE OIDC role ${ROLE_ARN}`);
    expect(await answerTo(emulator.current, source)).toBe(ACCEPTED);
  });

  it('stops start-up when the token is refused', async () => {
    const expired = join(tokenDir, 'expired');
    writeFileSync(expired, webIdentityToken({ exp: Date.now() / 1000 - 60 }));
    await expect(openChain(discoverChain(settings({ tke: { ...tke, tokenFile: expired } })))).rejects.toThrow(
      /TKE OIDC role .*AssumeRoleWithWebIdentity was refused: InvalidParameter.WebIdentityTokenError/,
    );
  });

  it('stops start-up when the token file cannot be read', async () => {
    await expect(
      openChain(discoverChain(settings({ tke: { ...tke, tokenFile: join(tokenDir, 'missing') } }))),
    ).rejects.toThrow(/TKE_WEB_IDENTITY_TOKEN_FILE .*missing could not be read \(ENOENT\)/);
  });
});

describe('the CVM instance role', () => {
  it('asks the metadata service for the role and its credentials, which the emulator accepts', async () => {
    const { source, description } = await open(discoverChain(settings()));
    expect(description).toBe('CVM instance role esign-instance');
    expect(await answerTo(emulator.current, source)).toBe(ACCEPTED);
  });

  it('is unavailable, not an error, when no role is bound or no metadata service answers', async () => {
    const unbound = await startMetadata(emulator.current, { role: undefined });
    try {
      expect(await openChain(discoverChain(settings({ metadataUrl: unbound.url })))).toEqual({
        unavailable: 'CVM instance role: the metadata service says no role is bound to this instance',
      });
    } finally {
      await unbound.close();
    }
    const closed = `http://127.0.0.1:${await freePort()}/latest/meta-data/`;
    expect(await openChain(discoverChain(settings({ metadataUrl: closed })))).toEqual({
      unavailable: expect.stringMatching(
        /^CVM instance role: http:\/\/127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)$/,
      ),
    });
  });

  it('stops start-up when a role is bound but its credentials cannot be had', async () => {
    metadata.failWith = 'Failed';
    try {
      await expect(openChain(discoverChain(settings()))).rejects.toThrow(
        /CVM instance role esign-instance: .*Code Failed for role esign-instance/,
      );
    } finally {
      metadata.failWith = undefined;
    }
  });

  it('defaults to the SDKs’ metadata address', () => {
    expect(METADATA_URL).toBe('http://metadata.tencentyun.com/latest/meta-data/');
  });
});

describe('AssumeRole on top of the base credentials', () => {
  it('signs AssumeRole with the environment’s credentials and calls with the role’s', async () => {
    const before = emulator.current.sts.issuedCount;
    const { source, description } = await open(
      discoverChain(settings({ environment: TEST_CREDENTIALS, roleArn: ROLE_ARN })),
    );
    expect(description).toBe(`TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY → AssumeRole ${ROLE_ARN}`);
    const current = await source.current();
    expect(current.secretId).not.toBe(TEST_CREDENTIALS.secretId);
    expect(current.token).toEqual(expect.any(String));
    expect(emulator.current.sts.issuedCount).toBe(before + 1);
    expect(await answerTo(emulator.current, source)).toBe(ACCEPTED);
  });

  it('chains from the CVM instance role’s temporary credentials', async () => {
    const { source, description } = await open(discoverChain(settings({ roleArn: ROLE_ARN })));
    expect(description).toBe(`CVM instance role esign-instance → AssumeRole ${ROLE_ARN}`);
    expect(await answerTo(emulator.current, source)).toBe(ACCEPTED);
  });

  it('stops start-up when STS refuses the base credentials', async () => {
    const wrong = { ...TEST_CREDENTIALS, secretKey: 'wrong' };
    await expect(openChain(discoverChain(settings({ environment: wrong, roleArn: ROLE_ARN })))).rejects.toThrow(
      /AssumeRole was refused: AuthFailure.SignatureFailure \(RequestId [0-9a-f-]+\)$/,
    );
  });
});
