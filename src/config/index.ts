/**
 * The service's configuration, read from environment variables and validated once at start-up. A bad value
 * stops start-up with a one-line {@link ConfigError} naming the variable; every rule is in schema.ts.
 */
import { homedir } from 'node:os';
import type { z } from 'zod';
import type { CallerIdentity, IdentityField } from '../resolvers/caller.js';
import type { LogLevel } from '../telemetry/logger.js';
import type { TracingConfig } from '../telemetry/tracing.js';
import { TENCENT_WINDOW_MS } from '../tencent/caller/index.js';
import { type CredentialChain, discoverChain, profileFiles } from '../tencent/credentials/index.js';
import { ENVIRONMENT_ENDPOINTS, type Endpoints, type EsignEnvironment } from '../tencent/endpoints.js';
import type { TencentLanguage } from '../tencent/language.js';
import { ConfigError } from './error.js';
import { type ApiKeyEntry, Environment } from './schema.js';
import { loadTrustedDocuments, type TrustedDocuments } from './trusted-documents.js';

export type { ApiKeyEntry, LogLevel, TencentLanguage, TrustedDocuments };
export { ConfigError };

/** `sandbox`: no credentials, so the built-in emulator stands in for Tencent. */
export type Mode = 'sandbox' | EsignEnvironment;

export type { CredentialChain };

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
  rateLimitGuardMs: number;
  rateLimitLocalShareMs: number;
  retryAttempts: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  breakerSlowCallMs: number;
}

export interface Config {
  port: number;
  host: string;
  production: boolean;
  /**
   * `sandbox` when no credentials are configured. When the CVM instance role is the chain's last resort
   * (`credentials.base.kind === 'cvm-role'`), start-up asks the metadata service, and an answer turns sandbox
   * mode into `environment`.
   */
  mode: Mode;
  /** The Tencent environment calls go to whenever the mode is not sandbox. */
  environment: EsignEnvironment;
  /** Where credentials come from; sandbox mode signs with the emulator's own instead. */
  credentials: CredentialChain;
  /** Tencent's endpoints; in sandbox mode replaced by the emulator's address at start-up. */
  endpoints: Endpoints;
  region: string | undefined;
  /** `X-TC-Language` when a request asks for none. */
  language: TencentLanguage | undefined;
  defaults: { essOperatorUserId: string | undefined; essbasicAppId: string | undefined };
  timeoutMs: number;
  reliability: ReliabilityConfig;
  /** The most Tencent calls one operation's mutations make, a batch mutation's items one each (`maxBatchItemsFor`). */
  maxBatchItems: number;
  /** Shared call budget and idempotency records across replicas; in memory when absent. */
  redisUrl: string | undefined;
  idempotencyTtlSeconds: number;
  /** In-memory store only: the most records held. */
  idempotencyMaxRecords: number;
  shutdownTimeoutMs: number;
  /** Absent: caller authentication is off. */
  auth: AuthConfig | undefined;
  browser: BrowserConfig;
  /** Least severe level logged; JSON lines when `production`, pretty ones otherwise. */
  logLevel: LogLevel;
  protection: Protection;
  /** Absent: no OTLP endpoint, no tracing. */
  tracing: TracingConfig | undefined;
  /** Absent: the service's own schema, not a subgraph. */
  federation: FederationConfig | undefined;
}

export interface FederationConfig {
  typePrefix: string | undefined;
}

/** A batch's size when the layer's limiter is off and no wait bounds it: the default configuration's figure. */
const UNLIMITED_BATCH_ITEMS = 100;
/** Whatever the budget allows, one operation's audit line and memory stay bounded. */
const MOST_BATCH_ITEMS = 1_000;

/**
 * As many calls as the budget can start within the longest wait, from an idle window: it paces starts one per
 * (1,000 + guard) / limit ms, so `⌊maxWait / spacing⌋ + 1` of them start in time. At the defaults (20/s, 5,000 ms,
 * guard 25 ms) that is 98: the 100th would start after about 5,074 ms.
 */
export function maxBatchItemsFor(
  reliability: Pick<ReliabilityConfig, 'rateLimitPerSecond' | 'rateLimitMaxWaitMs' | 'rateLimitGuardMs'>,
): number {
  const { rateLimitPerSecond, rateLimitMaxWaitMs, rateLimitGuardMs } = reliability;
  if (rateLimitPerSecond === 0) return UNLIMITED_BATCH_ITEMS;
  const spacingMs = (TENCENT_WINDOW_MS + rateLimitGuardMs) / rateLimitPerSecond;
  return Math.min(MOST_BATCH_ITEMS, Math.floor(rateLimitMaxWaitMs / spacingMs) + 1);
}

/** `maxBatchItemsFor` at the configuration's defaults (98), for hosts that mount the schema with their own chain. */
export const DEFAULT_MAX_BATCH_ITEMS = maxBatchItemsFor({
  rateLimitPerSecond: Environment.shape.TENCENT_RATE_LIMIT_PER_SECOND.parse(undefined),
  rateLimitMaxWaitMs: Environment.shape.TENCENT_RATE_LIMIT_MAX_WAIT_MS.parse(undefined),
  rateLimitGuardMs: Environment.shape.TENCENT_RATE_LIMIT_GUARD_MS.parse(undefined),
});

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

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: any other address can be reached from elsewhere. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/i;

export const isLoopbackHost = (host: string): boolean => LOOPBACK_HOST.test(host);

/**
 * Caller authentication, or why the service must not start without it: production always needs it, and so does a
 * `HOST` beyond loopback unless the operator asked for that with `ALLOW_UNAUTHENTICATED=true`.
 */
function authConfig(vars: Environment, production: boolean): AuthConfig | undefined {
  const jwt = jwtConfig(vars);
  const apiKeys = vars.AUTH_API_KEYS ?? [];
  const configured = jwt !== undefined || apiKeys.length > 0;
  if (vars.ALLOW_UNAUTHENTICATED && (production || configured)) {
    throw new ConfigError(
      production
        ? 'Invalid configuration: ALLOW_UNAUTHENTICATED=true cannot be used with NODE_ENV=production, which always authenticates callers'
        : 'Invalid configuration: ALLOW_UNAUTHENTICATED=true contradicts the caller authentication configured; unset one of them',
    );
  }
  if (configured) return { jwt, apiKeys };
  if (production) {
    throw new ConfigError(
      `Refusing to start: NODE_ENV=production but no caller authentication (set ${JWT_VARIABLES}, or AUTH_API_KEYS).`,
    );
  }
  if (!isLoopbackHost(vars.HOST) && !vars.ALLOW_UNAUTHENTICATED) {
    throw new ConfigError(
      `Refusing to start: HOST=${vars.HOST} is reachable beyond loopback but no caller authentication is configured (set ${JWT_VARIABLES}, or AUTH_API_KEYS; or ALLOW_UNAUTHENTICATED=true to serve anyone who can reach it).`,
    );
  }
  return undefined;
}

/** The OTLP endpoint as the OpenTelemetry specification resolves it: the signal's own URL as is, else the base's `v1/traces`. */
function tracingFrom(vars: Environment): TracingConfig | undefined {
  const base = vars.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base.replace(/\/$/, '')}/v1/traces`);
  return url ? { url, serviceName: vars.OTEL_SERVICE_NAME } : undefined;
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

const CREDENTIAL_SOURCES =
  'set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, a [default] profile in ~/.tencentcloud/credentials or /etc/tencentcloud/credentials, the TKE_* variables of an OIDC role, or bind a CVM instance role';

/** The one-line refusal of production without credentials; `why`: what the chain found instead. */
export function noCredentialsError(why: readonly string[]): ConfigError {
  const found = why.length > 0 ? ` (${why.join('; ')})` : '';
  return new ConfigError(
    `Refusing to start: NODE_ENV=production but no Tencent credentials${found}: ${CREDENTIAL_SOURCES}.`,
  );
}

function credentialChain(vars: Environment, home: string, systemFile: string | undefined): CredentialChain {
  return discoverChain({
    environment: {
      secretId: vars.TENCENTCLOUD_SECRET_ID,
      secretKey: vars.TENCENTCLOUD_SECRET_KEY,
      token: vars.TENCENTCLOUD_SESSION_TOKEN,
    },
    profileFiles: profileFiles(home, systemFile),
    tke: {
      region: vars.TKE_REGION,
      providerId: vars.TKE_PROVIDER_ID,
      tokenFile: vars.TKE_WEB_IDENTITY_TOKEN_FILE,
      roleArn: vars.TKE_ROLE_ARN,
    },
    cvmRole: vars.TENCENT_CVM_ROLE === 'auto',
    metadataUrl: vars.TENCENT_METADATA_URL,
    session: { sessionName: vars.TENCENTCLOUD_ROLE_SESSION_NAME, durationSeconds: vars.TENCENT_ROLE_DURATION_SECONDS },
    roleArn: vars.TENCENTCLOUD_ROLE_ARN,
    stsEndpoint: vars.TENCENT_STS_ENDPOINT,
  });
}

/**
 * Reads the configuration; throws {@link ConfigError} naming the variable at fault. `home` and `systemFile` say where
 * the profile files are (`~/.tencentcloud/credentials`, `/etc/tencentcloud/credentials`), for tests.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, home = homedir(), systemFile?: string): Config {
  // An empty variable means "unset", as in most shells' `VAR= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = Environment.safeParse(present);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describe(parsed.error)}`);
  const vars = parsed.data;
  if (vars.TENCENT_RATE_LIMIT_PER_SECOND > 0 && vars.TENCENT_RATE_LIMIT_MAX_WAIT_MS >= vars.TENCENT_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration: TENCENT_RATE_LIMIT_MAX_WAIT_MS (${vars.TENCENT_RATE_LIMIT_MAX_WAIT_MS}) must be below TENCENT_TIMEOUT_MS (${vars.TENCENT_TIMEOUT_MS}), so a call that waited for budget still has time for Tencent to answer`,
    );
  }

  const production = vars.NODE_ENV === 'production';
  const credentials = credentialChain(vars, home, systemFile);
  if (!credentials.base && production) throw noCredentialsError(credentials.notes);
  const configured = credentials.base !== undefined && credentials.base.kind !== 'cvm-role';
  const environment = ENVIRONMENT_ENDPOINTS[vars.TENCENT_ESIGN_ENV];
  return {
    port: vars.PORT,
    host: vars.HOST,
    production,
    mode: configured ? vars.TENCENT_ESIGN_ENV : 'sandbox',
    environment: vars.TENCENT_ESIGN_ENV,
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
      rateLimitGuardMs: vars.TENCENT_RATE_LIMIT_GUARD_MS,
      rateLimitLocalShareMs: vars.TENCENT_RATE_LIMIT_LOCAL_SHARE_MS,
      retryAttempts: vars.TENCENT_RETRY_ATTEMPTS,
      breakerFailures: vars.TENCENT_BREAKER_FAILURES,
      breakerCooldownMs: vars.TENCENT_BREAKER_COOLDOWN_MS,
      breakerSlowCallMs: vars.TENCENT_BREAKER_SLOW_CALL_MS,
    },
    maxBatchItems: maxBatchItemsFor({
      rateLimitPerSecond: vars.TENCENT_RATE_LIMIT_PER_SECOND,
      rateLimitMaxWaitMs: vars.TENCENT_RATE_LIMIT_MAX_WAIT_MS,
      rateLimitGuardMs: vars.TENCENT_RATE_LIMIT_GUARD_MS,
    }),
    redisUrl: vars.REDIS_URL,
    idempotencyTtlSeconds: vars.IDEMPOTENCY_TTL_SECONDS,
    idempotencyMaxRecords: vars.IDEMPOTENCY_MAX_RECORDS,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    auth: authConfig(vars, production),
    browser: { corsOrigins: vars.CORS_ORIGINS ?? (production ? [] : 'loopback') },
    logLevel: vars.LOG_LEVEL,
    // Before the trusted documents manifest is read: with federation it is refused, whatever it holds.
    federation: federationConfig(vars),
    protection: protectionFrom(vars, production),
    tracing: tracingFrom(vars),
  };
}

function federationConfig(vars: Environment): FederationConfig | undefined {
  if (!vars.FEDERATION) {
    if (vars.FEDERATION_TYPE_PREFIX === undefined) return undefined;
    throw new ConfigError('Invalid configuration: FEDERATION_TYPE_PREFIX is set without FEDERATION=true');
  }
  if (vars.TRUSTED_DOCUMENTS !== undefined) {
    throw new ConfigError(
      'Invalid configuration: FEDERATION=true with TRUSTED_DOCUMENTS: the gateway writes the operations a subgraph receives, so trusted documents belong on the gateway',
    );
  }
  return { typePrefix: vars.FEDERATION_TYPE_PREFIX };
}
