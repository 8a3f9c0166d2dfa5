/**
 * Caller authentication and browser configuration from environment variables:
 * bearer JWTs (a JWKS URL or a shared secret), API keys stored as SHA-256
 * hashes, the claim names that carry Tencent identities, and the CORS
 * allowlist. Validated at start-up; errors name the variable.
 */
import { z } from 'zod';
import { CallerIdentity, type IdentityField } from '../../resolvers/caller.js';

const text = z.string().trim().min(1, 'must not be blank');

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const jwksUrl = z
  .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
  // Keys fetched over plain HTTP could be swapped on the way; only a loopback host (a local test server) may use it.
  .refine(
    (value) => !URL.canParse(value) || new URL(value).protocol === 'https:' || LOOPBACK_HOSTS.has(new URL(value).hostname),
    'must be an https:// URL (http:// only for a loopback host)',
  );

const origin = text.refine(
  (value) => URL.canParse(value) && new URL(value).origin === value,
  'each entry must be an origin: scheme://host[:port], no path or trailing slash',
);

/** One API key: its SHA-256 hex digest and, optionally, the Tencent identities it is bound to. */
const ApiKeyEntry = CallerIdentity.extend({
  name: text,
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'must be the 64 hex digits of the key’s SHA-256'),
  unrestricted: z.boolean().default(false),
})
  .strict()
  .refine(
    (entry) => !entry.unrestricted || Object.keys(CallerIdentity.shape).every((field) => !(field in entry)),
    'an unrestricted key acts for any operator; it takes no identity fields',
  );
export type ApiKeyEntry = z.output<typeof ApiKeyEntry>;

const apiKeys = text
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array, e.g. [{"name":"billing","sha256":"…"}]' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(ApiKeyEntry)
      .min(1, 'must list at least one key')
      .refine((entries) => new Set(entries.map((e) => e.name)).size === entries.length, 'key names must be unique'),
  );

const AuthEnvironment = z.object({
  AUTH_JWKS_URL: jwksUrl.optional(),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (256 bits) for HS256').optional(),
  AUTH_JWT_ISSUER: text.optional(),
  AUTH_JWT_AUDIENCE: text.optional(),
  AUTH_JWT_CLOCK_TOLERANCE_SECONDS: z.coerce
    .number({ error: 'must be a whole number from 0 to 300' })
    .int('must be a whole number from 0 to 300')
    .min(0, 'must be a whole number from 0 to 300')
    .max(300, 'must be a whole number from 0 to 300')
    .default(30),
  AUTH_API_KEYS: apiKeys.optional(),
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(origin))
    .optional(),
  AUTH_CLAIM_ESS_OPERATOR_USER_ID: text.default('ess_operator_user_id'),
  AUTH_CLAIM_ESS_PROXY_ORGANIZATION_ID: text.default('ess_proxy_organization_id'),
  AUTH_CLAIM_ESSBASIC_PROXY_ORGANIZATION_OPEN_ID: text.default('essbasic_proxy_organization_open_id'),
  AUTH_CLAIM_ESSBASIC_PROXY_OPERATOR_OPEN_ID: text.default('essbasic_proxy_operator_open_id'),
});

export type ClaimNames = Record<IdentityField, string>;

export interface JwtConfig {
  key: { jwksUrl: string } | { secret: string };
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  claims: ClaimNames;
}

/** Absent parts are off; both absent means caller authentication is off. */
export interface AuthConfig {
  jwt: JwtConfig | undefined;
  apiKeys: ApiKeyEntry[];
}

export interface BrowserConfig {
  /** Origins allowed cross-origin; `loopback`: any http://localhost, 127.0.0.1 or [::1] origin (development). */
  corsOrigins: string[] | 'loopback';
}

export interface AuthSettings {
  /** `undefined`: no caller authentication configured. */
  auth: AuthConfig | undefined;
  browser: BrowserConfig;
}

/** A complete one-line message naming the variables; config.ts turns it into its ConfigError. */
export class AuthConfigError extends Error {}

const JWT_VARIABLES = 'AUTH_JWKS_URL or AUTH_JWT_SECRET with AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE';

function jwtConfig(vars: z.output<typeof AuthEnvironment>): JwtConfig | undefined {
  const { AUTH_JWKS_URL: url, AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: issuer, AUTH_JWT_AUDIENCE: audience } = vars;
  if (url === undefined && secret === undefined) {
    if (issuer !== undefined || audience !== undefined) {
      throw new AuthConfigError('Invalid configuration: AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE need a key: set AUTH_JWKS_URL or AUTH_JWT_SECRET');
    }
    return undefined;
  }
  if (url !== undefined && secret !== undefined) {
    throw new AuthConfigError('Invalid configuration: AUTH_JWKS_URL and AUTH_JWT_SECRET are both set; set one');
  }
  if (issuer === undefined || audience === undefined) {
    throw new AuthConfigError(
      'Invalid configuration: bearer tokens need AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE (both are checked in every token)',
    );
  }
  const claims: ClaimNames = {
    essOperatorUserId: vars.AUTH_CLAIM_ESS_OPERATOR_USER_ID,
    essProxyOrganizationId: vars.AUTH_CLAIM_ESS_PROXY_ORGANIZATION_ID,
    essbasicProxyOrganizationOpenId: vars.AUTH_CLAIM_ESSBASIC_PROXY_ORGANIZATION_OPEN_ID,
    essbasicProxyOperatorOpenId: vars.AUTH_CLAIM_ESSBASIC_PROXY_OPERATOR_OPEN_ID,
  };
  return {
    key: url !== undefined ? { jwksUrl: url } : { secret: secret! },
    issuer,
    audience,
    clockToleranceSeconds: vars.AUTH_JWT_CLOCK_TOLERANCE_SECONDS,
    claims,
  };
}

/**
 * Reads the authentication and browser settings from `env` (blank variables
 * already removed). Throws {@link AuthConfigError}.
 */
export function loadAuthSettings(env: Record<string, string | undefined>, production: boolean): AuthSettings {
  const parsed = AuthEnvironment.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new AuthConfigError(`Invalid configuration: ${issues.join('; ')}`);
  }
  const vars = parsed.data;
  const jwt = jwtConfig(vars);
  const apiKeys = vars.AUTH_API_KEYS ?? [];
  const enabled = jwt !== undefined || apiKeys.length > 0;
  if (!enabled && production) {
    throw new AuthConfigError(
      `Refusing to start: NODE_ENV=production but no caller authentication (set ${JWT_VARIABLES}, or AUTH_API_KEYS).`,
    );
  }
  return {
    auth: enabled ? { jwt, apiKeys } : undefined,
    browser: { corsOrigins: vars.CORS_ORIGINS ?? (production ? [] : 'loopback') },
  };
}
