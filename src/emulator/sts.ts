/**
 * Tencent's Security Token Service as the emulator plays it (sts 2018-08-13): `AssumeRole`, signed like any call,
 * and `AssumeRoleWithWebIdentity`, sent with `Authorization: SKIP`. The temporary credentials it issues are accepted
 * for every emulated call until they expire: then `AuthFailure.TokenFailure`, and once forgotten
 * `AuthFailure.SecretIdNotFound`, as for any SecretId it never issued.
 *
 * Where Tencent's documentation leaves a rule open, the strictest plausible reading is taken: a temporary SecretId
 * must come with its own token; a web identity token must be a JWT whose `exp`, when present, is still ahead.
 */
import { randomBytes } from 'node:crypto';
import { integer, optional, required, string, struct } from './parameters.js';
import { type ActionResult, type ApiError, failure, say, success } from './replies.js';
import { type ArrivedRequest, type EmulatorCredentials, SignatureVerifier } from './signature.js';

export const STS_VERSION = '2018-08-13';
/** Tencent's default and longest `DurationSeconds`. */
const DEFAULT_DURATION_SECONDS = 7200;
const MAX_DURATION_SECONDS = 43_200;
/** Issued credentials remembered (for `TokenFailure` once expired); older ones are forgotten. */
const MAX_REMEMBERED = 10_000;

export interface StsOptions {
  /** Caps the lifetime of issued credentials, whatever `DurationSeconds` asked: to watch them expire. */
  maxLifetimeSeconds?: number | undefined;
  /** The `ProviderId` of the one OIDC identity provider it knows. */
  oidcProviderId?: string;
}

export interface IssuedCredentials {
  secretId: string;
  secretKey: string;
  token: string;
  roleArn: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const CREDENTIAL = /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\//;

const stsError = (code: string, zh: string, en: string): ApiError => ({ code, message: say(zh, en) });

/** The role's issuer and the verifier of every signature: the emulator's own credentials, or ones it issued. */
export class EmulatedSts {
  private readonly issued = new Map<string, IssuedCredentials & { verifier: SignatureVerifier }>();
  private readonly base: SignatureVerifier;
  private readonly maxLifetimeSeconds: number;
  readonly oidcProviderId: string;
  /** Credentials issued so far, expired ones included. */
  issuedCount = 0;

  constructor(
    credentials: EmulatorCredentials,
    private readonly now: () => number,
    options: StsOptions = {},
  ) {
    this.base = new SignatureVerifier(credentials, now);
    this.maxLifetimeSeconds = options.maxLifetimeSeconds ?? MAX_DURATION_SECONDS;
    this.oidcProviderId = options.oidcProviderId ?? 'emulator-oidc';
  }

  /** Temporary credentials for a role, as STS issues them (the tests' stand-in CVM metadata service uses this). */
  issue(roleArn: string, durationSeconds = DEFAULT_DURATION_SECONDS): IssuedCredentials {
    const lifetime = Math.min(durationSeconds, this.maxLifetimeSeconds);
    const credentials: IssuedCredentials = {
      secretId: `AKIDTMP${randomBytes(12).toString('hex')}`,
      secretKey: randomBytes(24).toString('base64url'),
      token: randomBytes(48).toString('base64url'),
      roleArn,
      // Tencent states expiry in whole seconds.
      expiresAt: (Math.floor(this.now() / 1000) + lifetime) * 1000,
    };
    if (this.issued.size >= MAX_REMEMBERED) this.issued.delete(this.issued.keys().next().value!);
    this.issued.set(credentials.secretId, { ...credentials, verifier: new SignatureVerifier(credentials, this.now) });
    this.issuedCount += 1;
    return credentials;
  }

  /** Checks a signed request against the emulator's own credentials or the temporary ones it issued. */
  verify(req: ArrivedRequest): ApiError | undefined {
    const authorization = req.headers.authorization;
    const secretId = typeof authorization === 'string' ? CREDENTIAL.exec(authorization)?.[1] : undefined;
    const issued = secretId === undefined ? undefined : this.issued.get(secretId);
    if (!issued) return this.base.verify(req);
    if (this.now() >= issued.expiresAt) {
      return stsError('AuthFailure.TokenFailure', '临时证书已过期。', 'The temporary credentials have expired.');
    }
    return issued.verifier.verify(req);
  }

  /** Credentials for `roleArn`, answered as STS answers them. */
  answer(roleArn: string, durationSeconds: number | undefined): ActionResult {
    if (durationSeconds !== undefined && durationSeconds > MAX_DURATION_SECONDS) {
      return failure(
        stsError(
          'InvalidParameter.OverTimeError',
          `DurationSeconds 不得超过 ${MAX_DURATION_SECONDS}。`,
          `DurationSeconds may be at most ${MAX_DURATION_SECONDS}.`,
        ),
      );
    }
    const issued = this.issue(roleArn, durationSeconds);
    return success({
      Credentials: { Token: issued.token, TmpSecretId: issued.secretId, TmpSecretKey: issued.secretKey },
      ExpiredTime: issued.expiresAt / 1000,
      Expiration: new Date(issued.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  }
}

// CAM role ARNs as STS documents them: qcs::cam::uin/<uin>:role/<id>, …:roleName/<name>, service roles below those.
const ROLE_ARN = /^qcs::cam::uin\/\d+:(role|roleName)\/[\w+=,.@\-/]+$/;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,128}$/;

/** STS answers a malformed role or session name with its own code, `InvalidParameter.ParamError`. */
function roleError(request: { RoleArn: string; RoleSessionName: string }): ApiError | undefined {
  if (!ROLE_ARN.test(request.RoleArn)) {
    return stsError('InvalidParameter.ParamError', 'RoleArn 格式不正确。', 'RoleArn is not a CAM role ARN.');
  }
  if (!ROLE_SESSION_NAME.test(request.RoleSessionName)) {
    return stsError(
      'InvalidParameter.ParamError',
      'RoleSessionName 应为2–128位字母、数字或 +=,.@-_。',
      'RoleSessionName must be 2–128 letters, digits or +=,.@-_.',
    );
  }
  return undefined;
}

export const AssumeRoleParameters = struct('AssumeRoleRequest', {
  RoleArn: required(string()),
  RoleSessionName: required(string()),
  DurationSeconds: optional(integer({ min: 1 })),
  Policy: optional(string()),
  ExternalId: optional(string()),
  SourceIdentity: optional(string()),
});

export const WebIdentityParameters = struct('AssumeRoleWithWebIdentityRequest', {
  ProviderId: required(string()),
  WebIdentityToken: required(string()),
  RoleArn: required(string()),
  RoleSessionName: required(string()),
  DurationSeconds: optional(integer({ min: 1 })),
});

/** Whether `token` is a JWT whose `exp`, if it has one, is after `nowSeconds`. The signature is not checked. */
export function liveJwt(token: string, nowSeconds: number): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[\w-]+$/.test(part))) return false;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return false;
    const { exp } = claims as { exp?: unknown };
    return exp === undefined || (typeof exp === 'number' && exp > nowSeconds);
  } catch {
    return false;
  }
}

interface RoleRequest {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number | undefined;
}

export function assumeRole(sts: EmulatedSts, request: RoleRequest): ActionResult {
  const error = roleError(request);
  return error ? failure(error) : sts.answer(request.RoleArn, request.DurationSeconds);
}

export function assumeRoleWithWebIdentity(
  sts: EmulatedSts,
  request: RoleRequest & { ProviderId: string; WebIdentityToken: string },
  nowMs: number,
): ActionResult {
  if (request.ProviderId !== sts.oidcProviderId) {
    return failure(
      stsError(
        'InvalidParameter.ParamError',
        '未知的身份提供商 ProviderId。',
        'No such identity provider (ProviderId).',
      ),
    );
  }
  const error = roleError(request);
  if (error) return failure(error);
  if (!liveJwt(request.WebIdentityToken, nowMs / 1000)) {
    return failure(
      stsError(
        'InvalidParameter.WebIdentityTokenError',
        'WebIdentityToken 无效或已过期。',
        'The WebIdentityToken is invalid or expired.',
      ),
    );
  }
  return sts.answer(request.RoleArn, request.DurationSeconds);
}
