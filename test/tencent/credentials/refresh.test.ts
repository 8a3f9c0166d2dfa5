/**
 * Temporary credentials expiring and being renewed, on an injected clock shared by the layer and the emulator (so
 * the emulator judges expiry by the same time), over HTTP: the CVM role from the stand-in metadata service, roles
 * from the emulator's STS.
 */
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../src/emulator/server.js';
import {
  type CredentialChain,
  type CredentialEvents,
  type Credentials,
  type CredentialSource,
  CredentialsUnavailableError,
  type OpenCredentials,
  openChain,
} from '../../../src/tencent/credentials/index.js';
import { EXPIRY_MARGIN_MS, REFRESH_AHEAD_MS, RETRY_DELAY_MS } from '../../../src/tencent/credentials/refreshing.js';
import { ManualClock } from '../../support/clock.js';
import { ACCEPTED, answerTo, ROLE_ARN, webIdentityToken } from '../../support/credentials.js';
import { TEST_CREDENTIALS } from '../../support/emulator.js';
import { type FakeMetadata, startMetadata } from '../../support/metadata.js';

const LIFETIME_S = 3600;
const clock = new ManualClock();
let emulator: Emulator;
let metadata: FakeMetadata;
beforeAll(async () => {
  emulator = await startEmulator({
    credentials: TEST_CREDENTIALS,
    rateLimitPerSecond: 0,
    now: clock.now,
    sts: { oidcProviderId: 'tke-oidc' },
  });
  metadata = await startMetadata(emulator, { lifetimeSeconds: LIFETIME_S });
});
afterAll(async () => {
  await metadata.close();
  await emulator.close();
});
afterEach(() => {
  metadata.failWith = undefined;
  emulator.faults.clear();
});

/** Every event, and a way to wait for the next one of a kind. */
class Recorder implements CredentialEvents {
  readonly refreshes: { provider: string; expiresAt: number }[] = [];
  readonly failures: { provider: string; error: string; validUntil: number | undefined }[] = [];
  private waiting: { kind: 'refreshed' | 'failed'; resolve: () => void }[] = [];

  refreshed(event: { provider: string; expiresAt: number }): void {
    this.refreshes.push(event);
    this.wake('refreshed');
  }

  refreshFailed(event: { provider: string; error: string; validUntil: number | undefined }): void {
    this.failures.push(event);
    this.wake('failed');
  }

  next(kind: 'refreshed' | 'failed'): Promise<void> {
    return new Promise((resolve) => this.waiting.push({ kind, resolve }));
  }

  private wake(kind: 'refreshed' | 'failed'): void {
    const [ready, rest] = [this.waiting.filter((w) => w.kind === kind), this.waiting.filter((w) => w.kind !== kind)];
    this.waiting = rest;
    for (const waiter of ready) waiter.resolve();
  }
}

const opened: OpenCredentials[] = [];
afterAll(() => Promise.all(opened.map((open) => open.close())));

const chainOf = (overrides: Partial<CredentialChain>): CredentialChain => ({
  base: { kind: 'cvm-role', metadataUrl: metadata.url },
  role: undefined,
  stsEndpoint: emulator.url,
  notes: [],
  ...overrides,
});

async function open(chain: CredentialChain = chainOf({})): Promise<{ source: CredentialSource; events: Recorder }> {
  const events = new Recorder();
  const result = await openChain(chain, { now: clock.now, events });
  if (!result.open) throw new Error(result.unavailable);
  opened.push(result.open);
  return { source: result.open.source, events };
}

/** When the credentials the metadata service handed out with this SecretId expire. */
const expiryOf = (credentials: Credentials) =>
  metadata.issued.find((c) => c.secretId === credentials.secretId)!.expiresAt;
const sync = (source: CredentialSource): Credentials => {
  const current = source.current();
  if (current instanceof Promise) throw new Error('expected the cached credentials, without a promise');
  return current;
};

describe('the CVM instance role’s credentials', () => {
  it('are served from the cache without a request until the renewal window, then renewed in the background once', async () => {
    const { source, events } = await open();
    const requests = metadata.credentialRequests;
    const first = sync(source);
    for (let i = 0; i < 100; i++) expect(sync(source)).toBe(first);
    expect(metadata.credentialRequests).toBe(requests);

    clock.advance(LIFETIME_S * 1000 - REFRESH_AHEAD_MS + 1000);
    const renewed = events.next('refreshed');
    // Fifty calls at once in the window: each gets the current credentials at once, and one renewal starts.
    for (let i = 0; i < 50; i++) expect(sync(source)).toBe(first);
    await renewed;
    expect(metadata.credentialRequests).toBe(requests + 1);
    const second = sync(source);
    expect(second.secretId).not.toBe(first.secretId);
    expect(await answerTo(emulator, source, clock.now)).toBe(ACCEPTED);
  });

  it('are never handed out within the expiry margin: past it, a call waits for new ones', async () => {
    const { source } = await open();
    const first = sync(source);
    clock.advance(expiryOf(first) - clock.now() - EXPIRY_MARGIN_MS + 1);
    const waiting = source.current();
    expect(waiting).toBeInstanceOf(Promise);
    const fresh = await waiting;
    expect(fresh.secretId).not.toBe(first.secretId);
    expect(expiryOf(fresh) - clock.now()).toBeGreaterThan(EXPIRY_MARGIN_MS);
  });

  it('share one renewal among all the calls that wait for it', async () => {
    const { source } = await open();
    clock.advance(expiryOf(sync(source)) - clock.now());
    const requests = metadata.credentialRequests;
    const all = await Promise.all(Array.from({ length: 20 }, () => source.current()));
    expect(new Set(all.map((c) => c.secretId)).size).toBe(1);
    expect(metadata.credentialRequests).toBe(requests + 1);
  });

  it('always have more than the margin left, at every moment over three lifetimes, and are always accepted', async () => {
    const { source } = await open();
    const end = clock.now() + 3 * LIFETIME_S * 1000;
    let renewals = 0;
    let last: string | undefined;
    while (clock.now() < end) {
      const credentials = await source.current();
      expect(expiryOf(credentials) - clock.now()).toBeGreaterThan(EXPIRY_MARGIN_MS);
      if (credentials.secretId !== last) {
        renewals += last === undefined ? 0 : 1;
        last = credentials.secretId;
        expect(await answerTo(emulator, credentials, clock.now)).toBe(ACCEPTED);
      }
      clock.advance(29_000);
    }
    expect(renewals).toBeGreaterThanOrEqual(3);
  });

  it('keep being used while valid when a renewal fails, which is reported and retried after a delay', async () => {
    const { source, events } = await open();
    const first = sync(source);
    clock.advance(LIFETIME_S * 1000 - REFRESH_AHEAD_MS + 1000);
    metadata.failWith = 500;
    const failed = events.next('failed');
    expect(sync(source)).toBe(first);
    await failed;
    expect(events.failures).toEqual([
      {
        provider: 'cvm-role',
        error: 'the metadata service answered HTTP 500 for role esign-instance',
        validUntil: expiryOf(first) - EXPIRY_MARGIN_MS,
      },
    ]);
    // Within the retry delay, no new request; the old credentials still sign, and are accepted.
    const requests = metadata.credentialRequests;
    expect(sync(source)).toBe(first);
    expect(await answerTo(emulator, source, clock.now)).toBe(ACCEPTED);
    expect(metadata.credentialRequests).toBe(requests);

    metadata.failWith = undefined;
    clock.advance(RETRY_DELAY_MS);
    const renewed = events.next('refreshed');
    expect(sync(source)).toBe(first);
    await renewed;
    expect(sync(source).secretId).not.toBe(first.secretId);
  });

  it('fail the call, with nothing sent, rather than sign with credentials about to expire', async () => {
    const { source, events } = await open();
    const first = sync(source);
    metadata.failWith = 'Failed';
    clock.advance(expiryOf(first) - clock.now() - 10_000);
    await expect(source.current()).rejects.toBeInstanceOf(CredentialsUnavailableError);
    expect(events.failures.at(-1)).toMatchObject({ provider: 'cvm-role', validUntil: undefined });

    const calls = emulator.calls.length;
    expect(await answerTo(emulator, source, clock.now)).toMatch(
      /^upstream:Tencent e-sign \(essbasic ChannelCancelMultiFlowSignQRCode\) was not called: no valid cvm-role credentials/,
    );
    expect(emulator.calls.length).toBe(calls);

    metadata.failWith = undefined;
    clock.advance(RETRY_DELAY_MS);
    expect(await answerTo(emulator, source, clock.now)).toBe(ACCEPTED);
  });
});

describe('a role’s credentials from STS', () => {
  it('are renewed with AssumeRole before they expire; a refused renewal keeps the valid ones', async () => {
    const role = { roleArn: ROLE_ARN, sessionName: 'esign-test', durationSeconds: 900 };
    const { source, events } = await open(
      chainOf({ base: { kind: 'fixed', origin: 'test', credentials: TEST_CREDENTIALS }, role }),
    );
    const first = sync(source);
    // A lifetime of 900 s: renewal from 300 s before expiry.
    clock.advance(600_000 + 1000);
    emulator.faults.add({ action: 'AssumeRole', code: 'InternalError.SystemError' });
    const failed = events.next('failed');
    expect(sync(source)).toBe(first);
    await failed;
    expect(events.failures.at(-1)?.error).toMatch(/^AssumeRole was refused: InternalError.SystemError \(RequestId /);
    clock.advance(RETRY_DELAY_MS);
    const renewed = events.next('refreshed');
    sync(source);
    await renewed;
    expect(events.refreshes.map((r) => r.provider)).toEqual(['assume-role', 'assume-role']);
    expect(sync(source).secretId).not.toBe(first.secretId);
    expect(await answerTo(emulator, source, clock.now)).toBe(ACCEPTED);
  });

  it('read the TKE token file again at every renewal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esign-oidc-'));
    const tokenFile = join(dir, 'token');
    const live = () => webIdentityToken({ exp: clock.now() / 1000 + 3600 });
    writeFileSync(tokenFile, live());
    const oidc = { region: 'ap-guangzhou', providerId: 'tke-oidc', tokenFile, roleArn: ROLE_ARN };
    const { source, events } = await open(
      chainOf({ base: { kind: 'tke-oidc', oidc, session: { sessionName: 'esign-test', durationSeconds: 3600 } } }),
    );
    const first = sync(source);
    // TKE rotated the token; the one the provider started with has expired meanwhile.
    clock.advance(3600_000 - REFRESH_AHEAD_MS + 1000);
    writeFileSync(tokenFile, webIdentityToken({ exp: clock.now() / 1000 - 1 }));
    const failed = events.next('failed');
    sync(source);
    await failed;
    expect(events.failures.at(-1)?.error).toMatch(/WebIdentityTokenError/);
    writeFileSync(tokenFile, live());
    clock.advance(RETRY_DELAY_MS);
    const renewed = events.next('refreshed');
    expect(sync(source)).toBe(first);
    await renewed;
    expect(await answerTo(emulator, source, clock.now)).toBe(ACCEPTED);
  });
});
