/**
 * What the client signs with. A {@link CredentialSource} is asked at signing time, so credentials that expire can be
 * replaced while the service runs; fixed credentials answer at once, without a promise.
 */

export interface Credentials {
  secretId: string;
  secretKey: string;
  /** Session token of temporary credentials, sent as `X-TC-Token`. */
  token?: string;
}

/** Credentials Tencent issued for a limited time (STS, the CVM instance role). */
export interface TemporaryCredentials {
  credentials: Credentials;
  /** When Tencent stops accepting them, in milliseconds since the epoch (Tencent's `ExpiredTime`). */
  expiresAt: number;
}

export interface CredentialSource {
  /**
   * Credentials to sign one request with, valid for long enough to reach Tencent. Rejects with
   * {@link CredentialsUnavailableError} rather than answer credentials that may have expired.
   */
  current(): Credentials | Promise<Credentials>;
}

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

/** No usable credentials right now: the last ones expired and getting new ones failed. Nothing was signed. */
export class CredentialsUnavailableError extends CredentialsError {
  override name = 'CredentialsUnavailableError';
}

/** What a refreshing source reports, for logs and metrics; `provider` is e.g. `assume-role` or `cvm-role`. */
export interface CredentialEvents {
  refreshed(event: { provider: string; expiresAt: number }): void;
  /** `validUntil`: how long the credentials in use are still used; absent when there are none. */
  refreshFailed(event: { provider: string; error: string; validUntil: number | undefined }): void;
}

export function isCredentialSource(value: Credentials | CredentialSource): value is CredentialSource {
  return typeof (value as CredentialSource).current === 'function';
}

/** Credentials that never change (the environment, a profile file): the same object every time, no promise. */
export function fixedCredentials(credentials: Credentials): CredentialSource {
  const frozen = Object.freeze({ ...credentials });
  return { current: () => frozen };
}
