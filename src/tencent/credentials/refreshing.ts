/**
 * Temporary credentials kept fresh: cached until shortly before they expire, renewed in the background by one
 * request at a time, and never handed out once too close to expiry to reach Tencent in time.
 */
import {
  type CredentialEvents,
  type Credentials,
  type CredentialSource,
  CredentialsUnavailableError,
  type TemporaryCredentials,
} from './source.js';

/** A renewal starts this long before expiry (Go and Python SDKs: 300 s), or half-way through shorter lifetimes. */
export const REFRESH_AHEAD_MS = 300_000;
/** Credentials this close to expiry are not used (the Node SDK's buffer, 30 s), or a tenth of shorter lifetimes. */
export const EXPIRY_MARGIN_MS = 30_000;
/** After a failed renewal, the next one waits this long, so an outage is not met with a request per call. */
export const RETRY_DELAY_MS = 1_000;

interface Cached {
  credentials: Credentials;
  expiresAt: number;
  /** When a background renewal starts. */
  refreshAt: number;
  /** Until when they are handed out. */
  usableUntil: number;
}

export interface RefreshingOptions {
  /** Names the source in events, e.g. `assume-role`. */
  provider: string;
  /** Fetches new credentials; rejects with an error whose message says why (no secret in it). */
  fetch: () => Promise<TemporaryCredentials>;
  now?: () => number;
  events?: CredentialEvents | undefined;
}

export class RefreshingCredentials implements CredentialSource {
  readonly provider: string;
  private readonly fetch: () => Promise<TemporaryCredentials>;
  private readonly now: () => number;
  private readonly events: CredentialEvents | undefined;
  private cached: Cached | undefined;
  private renewing: Promise<Cached> | undefined;
  private lastFailure: { at: number; error: Error } | undefined;

  constructor(options: RefreshingOptions) {
    this.provider = options.provider;
    this.fetch = options.fetch;
    this.now = options.now ?? Date.now;
    this.events = options.events;
  }

  current(): Credentials | Promise<Credentials> {
    const now = this.now();
    const cached = this.cached;
    if (cached && now < cached.usableUntil) {
      if (now >= cached.refreshAt && this.mayRenew(now)) this.renew().catch(() => {});
      return cached.credentials;
    }
    if (!this.mayRenew(now) && !this.renewing) {
      return Promise.reject(this.unavailable(this.lastFailure!.error));
    }
    return this.renew().then(
      (fresh) => fresh.credentials,
      (error: Error) => Promise.reject(this.unavailable(error)),
    );
  }

  private mayRenew(now: number): boolean {
    return !this.renewing && (!this.lastFailure || now >= this.lastFailure.at + RETRY_DELAY_MS);
  }

  private unavailable(error: Error): CredentialsUnavailableError {
    return new CredentialsUnavailableError(`no valid ${this.provider} credentials: ${error.message}`);
  }

  /** One renewal at a time: every caller waiting meanwhile shares it. It is over before anyone hears of it. */
  private renew(): Promise<Cached> {
    this.renewing ??= this.fetch()
      .then((fresh) => this.accept(fresh))
      .then(
        (fresh) => {
          this.renewing = undefined;
          this.events?.refreshed({ provider: this.provider, expiresAt: fresh.expiresAt });
          return fresh;
        },
        (error: unknown) => {
          this.renewing = undefined;
          const failure = error instanceof Error ? error : new Error(String(error));
          this.lastFailure = { at: this.now(), error: failure };
          const usable = this.cached && this.now() < this.cached.usableUntil ? this.cached.usableUntil : undefined;
          this.events?.refreshFailed({ provider: this.provider, error: failure.message, validUntil: usable });
          throw failure;
        },
      );
    return this.renewing;
  }

  private accept({ credentials, expiresAt }: TemporaryCredentials): Cached {
    const now = this.now();
    const lifetime = expiresAt - now;
    const usableUntil = expiresAt - Math.min(EXPIRY_MARGIN_MS, lifetime / 10);
    if (!Number.isFinite(expiresAt) || usableUntil <= now) {
      throw new Error(`the new credentials expire at once (ExpiredTime ${new Date(expiresAt).toISOString()})`);
    }
    const fresh = {
      credentials: Object.freeze({ ...credentials }),
      expiresAt,
      refreshAt: expiresAt - Math.min(REFRESH_AHEAD_MS, lifetime / 2),
      usableUntil,
    };
    this.cached = fresh;
    this.lastFailure = undefined;
    return fresh;
  }
}
