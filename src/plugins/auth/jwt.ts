/** Bearer JWTs: verified with jose against a remote JWKS or an HS256 shared secret; claims give the caller's identity. */
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyResult, jwtVerify } from 'jose';
import { type Caller, CallerIdentity, IDENTITY_FIELDS } from '../../resolvers/caller.js';
import type { JwtConfig } from '../../config/index.js';

export type TokenCheck =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'invalid' | 'expired' }
  /** The keys could not be fetched: nothing is known about the token. */
  | { ok: false; reason: 'unavailable'; detail: string };

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** jose errors that mean the key set could not be had, as opposed to a bad token. */
const KEY_SET_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

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
    // A token without an expiry would be valid forever.
    requiredClaims: ['exp'],
  };
  const { key } = config;
  if ('jwksUrl' in key) {
    const keySet = createRemoteJWKSet(new URL(key.jwksUrl));
    return (token) => jwtVerify(token, keySet, { ...options, algorithms: ASYMMETRIC_ALGORITHMS });
  }
  const secret = new TextEncoder().encode(key.secret);
  return (token) => jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
}

export function jwtVerifier(config: JwtConfig): (token: string) => Promise<TokenCheck> {
  const verify = signatureVerifier(config);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      if (error instanceof errors.JOSEError && !KEY_SET_FAILURES.has(error.code)) return { ok: false, reason: 'invalid' };
      return { ok: false, reason: 'unavailable', detail: error instanceof Error ? error.message : String(error) };
    }
    const identity = identityFrom(payload, config);
    // A claim the configuration maps that is not a non-blank string makes the token unusable, not silently unbound.
    if (!identity) return { ok: false, reason: 'invalid' };
    return { ok: true, caller: { id: `jwt:${payload.iss}|${payload.sub ?? ''}`, identity, unrestricted: false } };
  };
}
