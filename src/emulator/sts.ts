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
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { parseAuthorization } from '../tencent/sign.js';
import { type SignedRequest, SignatureVerifier } from './auth.js';
import { type ActionResult, failure, success, type TencentErrorReply } from './replies.js';

export const STS_VERSION = '2018-08-13';
/** Tencent's default and longest `DurationSeconds`. */
const DEFAULT_DURATION_SECONDS = 7200;
const MAX_DURATION_SECONDS = 43_200;
/** Issued credentials remembered (for `TokenFailure` once expired); older ones are forgotten. */
const MAX_REMEMBERED = 10_000;

export interface StsOptions {
  /** Caps the lifetime of issued credentials, whatever `DurationSeconds` asked: to watch them expire. */
  maxLifetimeSeconds?: number;
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

interface Verifier {
  verify(req: SignedRequest): TencentErrorReply | undefined;
}

// CAM role ARNs as STS documents them: qcs::cam::uin/<uin>:role/<id>, …:roleName/<name>, service roles below those.
const RoleArn = z.string().regex(/^qcs::cam::uin\/\d+:(role|roleName)\/[\w+=,.@\-/]+$/);
const RoleSessionName = z.string().regex(/^[\w+=,.@-]{2,128}$/);
const DurationSeconds = z.number().int().positive().optional();

const AssumeRoleRequest = z.looseObject({ RoleArn, RoleSessionName, DurationSeconds });
const WebIdentityRequest = z.looseObject({
  ProviderId: z.string().min(1),
  WebIdentityToken: z.string().min(1),
  RoleArn,
  RoleSessionName,
  DurationSeconds,
});

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Whether `token` is a JWT whose `exp`, if it has one, is after `nowSeconds`. The signature is not checked. */
function liveJwt(token: string, nowSeconds: number): boolean {
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

export class EmulatedSts {
  private readonly issued = new Map<string, IssuedCredentials & { verifier: SignatureVerifier }>();
  private readonly maxLifetimeSeconds: number;
  private readonly oidcProviderId: string;
  /** Credentials issued so far, expired ones included. */
  issuedCount = 0;

  constructor(
    private readonly base: Verifier,
    private readonly now: () => number,
    options: StsOptions = {},
  ) {
    this.maxLifetimeSeconds = options.maxLifetimeSeconds ?? MAX_DURATION_SECONDS;
    this.oidcProviderId = options.oidcProviderId ?? 'emulator-oidc';
  }

  handles(action: string): boolean {
    return action === 'AssumeRole' || action === 'AssumeRoleWithWebIdentity';
  }

  /** Temporary credentials for a role, as STS would issue them (the fake CVM metadata service of the tests uses this). */
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
  verify(req: SignedRequest): TencentErrorReply | undefined {
    const secretId = parseAuthorization(header(req.headers, 'authorization') ?? '')?.secretId;
    const issued = secretId === undefined ? undefined : this.issued.get(secretId);
    if (!issued) return this.base.verify(req);
    if (this.now() >= issued.expiresAt) {
      return { code: 'AuthFailure.TokenFailure', message: 'The temporary credentials have expired.' };
    }
    return issued.verifier.verify(req);
  }

  /** Answers an STS action; `req` is the whole request, its signature not yet checked. */
  handle(action: string, req: SignedRequest): ActionResult {
    if (header(req.headers, 'x-tc-version') !== STS_VERSION) {
      return failure('NoSuchVersion', `${action} is served in version ${STS_VERSION}.`);
    }
    let params: unknown;
    try {
      params = JSON.parse(req.body.toString('utf8'));
    } catch {
      return failure('InvalidParameter', 'The request body is not valid JSON.');
    }
    return action === 'AssumeRole' ? this.assumeRole(req, params) : this.assumeRoleWithWebIdentity(req, params);
  }

  private assumeRole(req: SignedRequest, params: unknown): ActionResult {
    const authError = this.verify(req);
    if (authError) return { ok: false, error: authError };
    const parsed = AssumeRoleRequest.safeParse(params);
    if (!parsed.success) return this.parameterError(parsed.error, params);
    return this.answer(parsed.data.RoleArn, parsed.data.DurationSeconds);
  }

  private assumeRoleWithWebIdentity(req: SignedRequest, params: unknown): ActionResult {
    // Its reference: with signature v3 no X-TC-Token is sent and Authorization is the literal SKIP.
    if (header(req.headers, 'authorization') !== 'SKIP') {
      return failure('AuthFailure.InvalidAuthorization', 'AssumeRoleWithWebIdentity takes Authorization: SKIP.');
    }
    const parsed = WebIdentityRequest.safeParse(params);
    if (!parsed.success) return this.parameterError(parsed.error, params);
    const { ProviderId, WebIdentityToken, RoleArn: roleArn, DurationSeconds: duration } = parsed.data;
    if (ProviderId !== this.oidcProviderId) {
      return failure('InvalidParameter.ParamError', `No identity provider ${ProviderId}.`);
    }
    if (!liveJwt(WebIdentityToken, this.now() / 1000)) {
      return failure('InvalidParameter.WebIdentityTokenError', 'The WebIdentityToken is invalid or expired.');
    }
    return this.answer(roleArn, duration);
  }

  private parameterError(error: z.ZodError, params: unknown): ActionResult {
    const issue = error.issues[0]!;
    const name = issue.path.join('.');
    const value = issue.path.reduce<unknown>(
      (node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key],
      params,
    );
    return value === undefined
      ? failure('MissingParameter', `The request is missing a required parameter \`${name}\`.`)
      : failure('InvalidParameter.ParamError', `The parameter \`${name}\` is invalid.`);
  }

  private answer(roleArn: string, durationSeconds: number | undefined): ActionResult {
    if (durationSeconds !== undefined && durationSeconds > MAX_DURATION_SECONDS) {
      return failure('InvalidParameter.OverTimeError', `DurationSeconds may be at most ${MAX_DURATION_SECONDS}.`);
    }
    const issued = this.issue(roleArn, durationSeconds);
    return success({
      Credentials: { Token: issued.token, TmpSecretId: issued.secretId, TmpSecretKey: issued.secretKey },
      ExpiredTime: issued.expiresAt / 1000,
      Expiration: new Date(issued.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  }
}
