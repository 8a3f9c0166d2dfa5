/**
 * Configuration from environment variables, read and validated once at
 * start-up. A bad value stops start-up with a message naming the variable.
 */
import { z } from 'zod';
import { type Credentials, CredentialsError, resolveCredentials } from '../tencent/credentials.js';
import {
  ENVIRONMENT_ENDPOINTS,
  ESIGN_ENVIRONMENTS,
  type Endpoints,
  type EsignEnvironment,
} from '../tencent/endpoints.js';
import { AuthConfigError, type AuthSettings, loadAuthSettings } from './auth/config.js';
import { LOG_LEVELS, type LogLevel } from './observability/logger.js';
import { DEVELOPMENT_PROTECTION, type Protection } from './protection/index.js';
import { loadTrustedDocuments, type TrustedDocuments, TrustedDocumentsError } from './protection/trusted-documents.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. http://127.0.0.1:9100' })
  // zod runs this even after the URL check failed, hence the guard.
  .refine((value) => !URL.canParse(value) || !/[?#]/.test(value), 'must not have a query or fragment');

const text = z.string().trim().min(1, 'must not be blank');

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

const { limits } = DEVELOPMENT_PROTECTION;

const Environment = z.object({
  PORT: integer(0, 65535).default(4000),
  HOST: text.default('127.0.0.1'),
  NODE_ENV: z.string().optional(),
  TENCENT_ESIGN_ENV: z
    .enum(ESIGN_ENVIRONMENTS, { error: `must be one of: ${ESIGN_ENVIRONMENTS.join(', ')}` })
    .default('production'),
  TENCENT_ESS_ENDPOINT: baseUrl.optional(),
  TENCENT_ESSBASIC_ENDPOINT: baseUrl.optional(),
  TENCENT_REGION: text.optional(),
  TENCENT_ESS_OPERATOR_USER_ID: text.optional(),
  TENCENT_ESSBASIC_APP_ID: text.optional(),
  TENCENT_RATE_LIMIT_PER_SECOND: integer(0, 100_000).default(20),
  TENCENT_TIMEOUT_MS: integer(1, 600_000).default(10_000),
  TENCENT_RATE_LIMIT_MAX_WAIT_MS: integer(0, 600_000).default(5_000),
  TENCENT_RATE_LIMIT_QUEUE: integer(0, 100_000).default(200),
  TENCENT_RETRY_ATTEMPTS: integer(1, 10).default(3),
  TENCENT_BREAKER_FAILURES: integer(1, 1_000).default(5),
  TENCENT_BREAKER_COOLDOWN_MS: integer(100, 3_600_000).default(10_000),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379' })
    .optional(),
  IDEMPOTENCY_TTL_SECONDS: integer(1, 7 * 86_400).default(86_400),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(10_000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of: ${LOG_LEVELS.join(', ')}` }).default('info'),
  GRAPHQL_MAX_ALIASES: integer(0, 1_000).default(limits.aliases),
  GRAPHQL_MAX_DEPTH: integer(1, 1_000).default(limits.depth),
  GRAPHQL_MAX_TOKENS: integer(1, 1_000_000).default(limits.tokens),
  GRAPHQL_MAX_DIRECTIVES: integer(0, 1_000).default(limits.directives),
  MAX_BODY_BYTES: integer(1_000, 100_000_000).default(DEVELOPMENT_PROTECTION.maxBodyBytes),
  GRAPHQL_BATCH_LIMIT: integer(0, 100).default(DEVELOPMENT_PROTECTION.batchLimit),
  GRAPHIQL: flag.optional(),
  INTROSPECTION: flag.optional(),
  TRUSTED_DOCUMENTS: text.optional(),
  GRAPHQL_FAST_PATH: flag.default(true),
});

/** `sandbox`: no credentials, so the built-in emulator stands in for Tencent. */
export type Mode = 'sandbox' | EsignEnvironment;

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
  defaults: { essOperatorUserId: string | undefined; essbasicAppId: string | undefined };
  rateLimitPerSecond: number;
  timeoutMs: number;
  reliability: {
    rateLimitMaxWaitMs: number;
    rateLimitQueue: number;
    retryAttempts: number;
    breakerFailures: number;
    breakerCooldownMs: number;
  };
  /** Shared limiter budget and idempotency records across replicas; in memory when absent. */
  redisUrl: string | undefined;
  idempotencyTtlSeconds: number;
  shutdownTimeoutMs: number;
  /** Caller authentication (absent: off) and the browser rules (CORS allowlist). */
  auth: AuthSettings['auth'];
  browser: AuthSettings['browser'];
  /** Least severe level logged; JSON lines when `production`, pretty ones otherwise. */
  logLevel: LogLevel;
  protection: Protection;
  /** Plain requests for documents already accepted skip yoga's request machinery (see server/fast-path). */
  fastPath: boolean;
}

/**
 * GraphiQL and introspection default to off in production; a trusted documents
 * manifest is read and checked now, not per request.
 */
function protectionFrom(vars: z.infer<typeof Environment>, production: boolean): Protection {
  let trustedDocuments: TrustedDocuments | undefined;
  try {
    trustedDocuments = vars.TRUSTED_DOCUMENTS === undefined ? undefined : loadTrustedDocuments(vars.TRUSTED_DOCUMENTS);
  } catch (error) {
    if (error instanceof TrustedDocumentsError)
      throw new ConfigError(`Invalid configuration: TRUSTED_DOCUMENTS: ${error.message}`);
    throw error;
  }
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
    trustedDocuments,
  };
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
}

/** Reads the configuration; throws {@link ConfigError} naming the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, home?: string): Config {
  // An empty variable means "unset", as in most shells' `VAR= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = Environment.safeParse(present);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describe(parsed.error)}`);
  const vars = parsed.data;

  let credentials: Credentials | undefined;
  try {
    credentials = resolveCredentials(env, home);
  } catch (error) {
    if (error instanceof CredentialsError) throw new ConfigError(`Invalid configuration: ${error.message}`);
    throw error;
  }
  const production = vars.NODE_ENV === 'production';
  if (!credentials && production) {
    throw new ConfigError(
      'Refusing to start: NODE_ENV=production but no Tencent credentials (set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or a [default] profile in ~/.tencentcloud/credentials).',
    );
  }
  let authSettings: AuthSettings;
  try {
    authSettings = loadAuthSettings(present, production);
  } catch (error) {
    if (error instanceof AuthConfigError) throw new ConfigError(error.message);
    throw error;
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
    defaults: { essOperatorUserId: vars.TENCENT_ESS_OPERATOR_USER_ID, essbasicAppId: vars.TENCENT_ESSBASIC_APP_ID },
    rateLimitPerSecond: vars.TENCENT_RATE_LIMIT_PER_SECOND,
    timeoutMs: vars.TENCENT_TIMEOUT_MS,
    reliability: {
      rateLimitMaxWaitMs: vars.TENCENT_RATE_LIMIT_MAX_WAIT_MS,
      rateLimitQueue: vars.TENCENT_RATE_LIMIT_QUEUE,
      retryAttempts: vars.TENCENT_RETRY_ATTEMPTS,
      breakerFailures: vars.TENCENT_BREAKER_FAILURES,
      breakerCooldownMs: vars.TENCENT_BREAKER_COOLDOWN_MS,
    },
    redisUrl: vars.REDIS_URL,
    idempotencyTtlSeconds: vars.IDEMPOTENCY_TTL_SECONDS,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    ...authSettings,
    logLevel: vars.LOG_LEVEL,
    protection: protectionFrom(vars, production),
    fastPath: vars.GRAPHQL_FAST_PATH,
  };
}
