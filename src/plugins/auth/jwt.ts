/**
 * Bearer JWTs: verified with jose against a remote JWKS or an HS256 shared secret. The caller is the token's issuer
 * and subject (a non-blank string `sub` is required), and the mapped claims give its Tencent identity.
 */
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyResult, jwtVerify } from 'jose';
import { type Caller, CallerIdentity, IDENTITY_FIELDS } from '../../resolvers/caller.js';
import type { JwtConfig } from '../../config/index.js';

export type TokenCheck =
  | { ok: true; caller: Caller }
  /**
   * `unavailable`: the keys could not be fetched, so nothing is known about the token. `detail` says why, for the
   * log: a jose error code or the claim at fault, never the token or a claim's value.
   */
  | { ok: false; reason: 'invalid' | 'expired' | 'unavailable'; detail: string };

const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** jose errors that mean the key set could not be had, as opposed to a bad token. */
const KEY_SET_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

const refused = (reason: 'invalid' | 'expired', detail: string): TokenCheck => ({ ok: false, reason, detail });

function identityFrom(payload: JWTPayload, config: JwtConfig): CallerIdentity | undefined {
  const claimed = Object.fromEntries(IDENTITY_FIELDS.map((field) => [field, payload[config.claims[field]]]));
  const parsed = CallerIdentity.safeParse(claimed);
  return parsed.success ? parsed.data : undefined;
}

/** Verifies a token's signature, issuer, audience and expiry; throws jose's errors. */
function signatureVerifier(config: JwtConfig): (token: string) => Promise<JWTVerifyResult> {
  const options = {
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSeconds,
    // A token without an expiry would be valid forever; one without a subject would be nobody in particular.
    requiredClaims: ['exp', 'sub'],
  };
  const { key } = config;
  if ('jwksUrl' in key) {
    const keySet = createRemoteJWKSet(new URL(key.jwksUrl));
    return (token) => jwtVerify(token, keySet, { ...options, algorithms: ASYMMETRIC_ALGORITHMS });
  }
  const secret = new TextEncoder().encode(key.secret);
  return (token) => jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
}

function failure(error: unknown): TokenCheck {
  if (error instanceof errors.JWTExpired) return refused('expired', error.code);
  if (error instanceof errors.JWTClaimValidationFailed) return refused('invalid', `${error.code} (${error.claim})`);
  if (error instanceof errors.JOSEError && !KEY_SET_FAILURES.has(error.code)) return refused('invalid', error.code);
  return { ok: false, reason: 'unavailable', detail: error instanceof Error ? error.message : String(error) };
}

export function jwtVerifier(config: JwtConfig): (token: string) => Promise<TokenCheck> {
  const verify = signatureVerifier(config);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (error) {
      return failure(error);
    }
    // Every token without one, or with `{"a":1}` for one, would otherwise be one and the same caller.
    if (typeof payload.sub !== 'string' || payload.sub.trim() === '') return refused('invalid', 'sub is not a string');
    // jose checks `iat` only against a maximum age; a token issued in the future is forged or from a broken clock.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + config.clockToleranceSeconds) {
      return refused('invalid', 'iat is in the future');
    }
    const identity = identityFrom(payload, config);
    // A claim the configuration maps that is not a non-blank string makes the token unusable, not silently unbound.
    if (!identity) return refused('invalid', 'an identity claim is not a non-blank string');
    return { ok: true, caller: { id: `jwt:${payload.iss}|${payload.sub}`, identity, unrestricted: false } };
  };
}
