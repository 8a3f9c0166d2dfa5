/**
 * The service's configuration, read from environment variables and validated once at start-up. A bad value
 * stops start-up with a one-line {@link ConfigError} naming the variable; every rule is in schema.ts.
 */
import type { z } from 'zod';
import type { CallerIdentity, IdentityField } from '../resolvers/caller.js';
import { type Credentials, CredentialsError, resolveCredentials } from '../tencent/credentials.js';
import { ENVIRONMENT_ENDPOINTS, type Endpoints, type EsignEnvironment } from '../tencent/endpoints.js';
import type { LogLevel } from '../telemetry/logger.js';
import type { TencentLanguage } from '../tencent/language.js';
import { type ApiKeyEntry, Environment } from './schema.js';
import { ConfigError } from './error.js';
import { loadTrustedDocuments, type TrustedDocuments } from './trusted-documents.js';

export type { ApiKeyEntry, LogLevel, TencentLanguage, TrustedDocuments };
export { ConfigError };

/** `sandbox`: no credentials, so the built-in emulator stands in for Tencent. */
export type Mode = 'sandbox' | EsignEnvironment;

export type ClaimNames = Record<IdentityField, string>;

export interface JwtConfig {
  key: { jwksUrl: string } | { secret: string };
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  claims: ClaimNames;
}

/** Caller authentication; absent parts are off. */
export interface AuthConfig {
  jwt: JwtConfig | undefined;
  apiKeys: ApiKeyEntry[];
}

export interface BrowserConfig {
  /** Origins allowed cross-origin; `loopback`: any http://localhost, 127.0.0.1 or [::1] origin (development). */
  corsOrigins: string[] | 'loopback';
}

export interface DocumentLimits {
  aliases: number;
  depth: number;
  tokens: number;
  directives: number;
}

/** What the server refuses before any resolver runs, and what it shows to explore the API. */
export interface Protection {
  limits: DocumentLimits;
  maxBodyBytes: number;
  /** Operations one HTTP request may carry as a JSON array; 0 turns batching off. */
  batchLimit: number;
  graphiql: boolean;
  introspection: boolean;
  /** When set, only these documents run. */
  trustedDocuments: TrustedDocuments | undefined;
  /** Bytes of documents automatic persisted queries keep; 0 turns them off. */
  apqCacheBytes: number;
}

export interface ReliabilityConfig {
  rateLimitPerSecond: number;
  rateLimitMaxWaitMs: number;
  rateLimitQueue: number;
  retryAttempts: number;
  breakerFailures: number;
  breakerCooldownMs: number;
}

export interface Config {
  port: number;
  host: string;
  production: boolean;
  mode: Mode;
  /** Absent in sandbox mode, where the emulator's own credentials are used. */
  credentials: Credentials | undefined;
  /** Tencent's endpoints; in sandbox mode replaced by the emulator's address at start-up. */
  endpoints: Endpoints;
  region: string | undefined;
  /** `X-TC-Language` when a request asks for none. */
  language: TencentLanguage | undefined;
  defaults: { essOperatorUserId: string | undefined; essbasicAppId: string | undefined };
  timeoutMs: number;
  reliability: ReliabilityConfig;
  /** Shared call budget and idempotency records across replicas; in memory when absent. */
  redisUrl: string | undefined;
  idempotencyTtlSeconds: number;
  shutdownTimeoutMs: number;
  /** Absent: caller authentication is off. */
  auth: AuthConfig | undefined;
  browser: BrowserConfig;
  /** Least severe level logged; JSON lines when `production`, pretty ones otherwise. */
  logLevel: LogLevel;
  protection: Protection;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
}

const JWT_VARIABLES = 'AUTH_JWKS_URL or AUTH_JWT_SECRET with AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE';

function jwtConfig(vars: Environment): JwtConfig | undefined {
  const { AUTH_JWKS_URL: url, AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: issuer, AUTH_JWT_AUDIENCE: audience } = vars;
  if (url === undefined && secret === undefined) {
    if (issuer !== undefined || audience !== undefined) {
      throw new ConfigError(
        'Invalid configuration: AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE need a key: set AUTH_JWKS_URL or AUTH_JWT_SECRET',
      );
    }
    return undefined;
  }
  if (url !== undefined && secret !== undefined) {
    throw new ConfigError('Invalid configuration: AUTH_JWKS_URL and AUTH_JWT_SECRET are both set; set one');
  }
  if (issuer === undefined || audience === undefined) {
    throw new ConfigError(
      'Invalid configuration: bearer tokens need AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE (both are checked in every token)',
    );
  }
  const claims: ClaimNames = {
    essOperatorUserId: vars.AUTH_CLAIM_ESS_OPERATOR_USER_ID,
    essProxyOrganizationId: vars.AUTH_CLAIM_ESS_PROXY_ORGANIZATION_ID,
    essbasicProxyOrganizationOpenId: vars.AUTH_CLAIM_ESSBASIC_PROXY_ORGANIZATION_OPEN_ID,
    essbasicProxyOperatorOpenId: vars.AUTH_CLAIM_ESSBASIC_PROXY_OPERATOR_OPEN_ID,
  } satisfies Record<keyof CallerIdentity, string>;
  return {
    key: url !== undefined ? { jwksUrl: url } : { secret: secret! },
    issuer,
    audience,
    clockToleranceSeconds: vars.AUTH_JWT_CLOCK_TOLERANCE_SECONDS,
    claims,
  };
}

function authConfig(vars: Environment, production: boolean): AuthConfig | undefined {
  const jwt = jwtConfig(vars);
  const apiKeys = vars.AUTH_API_KEYS ?? [];
  if (jwt === undefined && apiKeys.length === 0) {
    if (production) {
      throw new ConfigError(
        `Refusing to start: NODE_ENV=production but no caller authentication (set ${JWT_VARIABLES}, or AUTH_API_KEYS).`,
      );
    }
    return undefined;
  }
  return { jwt, apiKeys };
}

/** GraphiQL and introspection default to off in production; a trusted documents manifest is read and checked now. */
function protectionFrom(vars: Environment, production: boolean): Protection {
  return {
    limits: {
      aliases: vars.GRAPHQL_MAX_ALIASES,
      depth: vars.GRAPHQL_MAX_DEPTH,
      tokens: vars.GRAPHQL_MAX_TOKENS,
      directives: vars.GRAPHQL_MAX_DIRECTIVES,
    },
    maxBodyBytes: vars.MAX_BODY_BYTES,
    batchLimit: vars.GRAPHQL_BATCH_LIMIT,
    graphiql: vars.GRAPHIQL ?? !production,
    introspection: vars.INTROSPECTION ?? !production,
    trustedDocuments: vars.TRUSTED_DOCUMENTS === undefined ? undefined : loadTrustedDocuments(vars.TRUSTED_DOCUMENTS),
    apqCacheBytes: vars.APQ_CACHE_BYTES,
  };
}

function credentialsFrom(env: NodeJS.ProcessEnv, home: string | undefined): Credentials | undefined {
  try {
    return resolveCredentials(env, home);
  } catch (error) {
    if (error instanceof CredentialsError) throw new ConfigError(`Invalid configuration: ${error.message}`);
    throw error;
  }
}

/** Reads the configuration; throws {@link ConfigError} naming the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, home?: string): Config {
  // An empty variable means "unset", as in most shells' `VAR= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = Environment.safeParse(present);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describe(parsed.error)}`);
  const vars = parsed.data;

  const production = vars.NODE_ENV === 'production';
  const credentials = credentialsFrom(env, home);
  if (!credentials && production) {
    throw new ConfigError(
      'Refusing to start: NODE_ENV=production but no Tencent credentials (set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or a [default] profile in ~/.tencentcloud/credentials).',
    );
  }
  const environment = ENVIRONMENT_ENDPOINTS[vars.TENCENT_ESIGN_ENV];
  return {
    port: vars.PORT,
    host: vars.HOST,
    production,
    mode: credentials ? vars.TENCENT_ESIGN_ENV : 'sandbox',
    credentials,
    endpoints: {
      ess: vars.TENCENT_ESS_ENDPOINT ?? environment.ess,
      essbasic: vars.TENCENT_ESSBASIC_ENDPOINT ?? environment.essbasic,
    },
    region: vars.TENCENT_REGION,
    language: vars.TENCENT_LANGUAGE,
    defaults: { essOperatorUserId: vars.TENCENT_ESS_OPERATOR_USER_ID, essbasicAppId: vars.TENCENT_ESSBASIC_APP_ID },
    timeoutMs: vars.TENCENT_TIMEOUT_MS,
    reliability: {
      rateLimitPerSecond: vars.TENCENT_RATE_LIMIT_PER_SECOND,
      rateLimitMaxWaitMs: vars.TENCENT_RATE_LIMIT_MAX_WAIT_MS,
      rateLimitQueue: vars.TENCENT_RATE_LIMIT_QUEUE,
      retryAttempts: vars.TENCENT_RETRY_ATTEMPTS,
      breakerFailures: vars.TENCENT_BREAKER_FAILURES,
      breakerCooldownMs: vars.TENCENT_BREAKER_COOLDOWN_MS,
    },
    redisUrl: vars.REDIS_URL,
    idempotencyTtlSeconds: vars.IDEMPOTENCY_TTL_SECONDS,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    auth: authConfig(vars, production),
    browser: { corsOrigins: vars.CORS_ORIGINS ?? (production ? [] : 'loopback') },
    logLevel: vars.LOG_LEVEL,
    protection: protectionFrom(vars, production),
  };
}
