/**
 * Every environment variable the service reads, declared once: its rule, its default and what it means.
 * `loadConfig` validates the environment against it, and the configuration reference
 * (docs/configuration.md) is printed from it by `npm run docs`, so the two cannot drift apart.
 */
import { z } from 'zod';
import { CallerIdentity } from '../resolvers/caller.js';
import { LOG_LEVELS } from '../telemetry/logger.js';
import { DEFAULT_DURATION_SECONDS, METADATA_URL, STS_ENDPOINT } from '../tencent/credentials/index.js';
import { DEFAULT_GUARD_MS } from '../tencent/caller/index.js';
import { ESIGN_ENVIRONMENTS } from '../tencent/endpoints.js';
import { TENCENT_LANGUAGES } from '../tencent/language.js';

/** The sections of the configuration reference, in the order it lists them. */
export const GROUPS = [
  'Server',
  'Tencent',
  'Credentials',
  'Reliability',
  'Shared state',
  'Authentication',
  'Browsers',
  'Abuse limits',
  'Logs',
  'Tracing',
] as const;
export type Group = (typeof GROUPS)[number];

declare module 'zod' {
  interface GlobalMeta {
    group?: Group;
    /** How the reference states a default that is not a plain value (e.g. one that depends on NODE_ENV). */
    defaultText?: string;
  }
}

export const NODE_ENVIRONMENTS = ['production', 'development', 'test'] as const;

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of: ${values.join(', ')}` });

const integer = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};

const text = z.string().trim().min(1, 'must not be blank');

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. http://127.0.0.1:9100' })
  // zod runs these even after the URL check failed, hence the guards.
  .refine((value) => !URL.canParse(value) || !/[?#]/.test(value), 'must not have a query or fragment')
  // Tencent's endpoints take no user name or password; one here would be a secret printed with the URL.
  .refine((value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password), {
    message: 'must not contain a user name or password',
  });

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const jwksUrl = z
  .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
  // Keys fetched over plain HTTP could be swapped on the way; only a loopback host (a local test server) may use it.
  .refine(
    (value) =>
      !URL.canParse(value) || new URL(value).protocol === 'https:' || LOOPBACK_HOSTS.has(new URL(value).hostname),
    'must be an https:// URL (http:// only for a loopback host)',
  );

const origin = text.refine(
  (value) => URL.canParse(value) && new URL(value).origin === value,
  'each entry must be an origin: scheme://host[:port], no path or trailing slash',
);

/** One API key: its SHA-256 hex digest and, optionally, the Tencent identities it is bound to. */
export const ApiKeyEntry = CallerIdentity.extend({
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
      .refine((entries) => new Set(entries.map((e) => e.name)).size === entries.length, 'key names must be unique')
      // With one digest twice, the first entry would silently win whatever the second is bound to.
      .refine(
        (entries) => new Set(entries.map((e) => e.sha256.toLowerCase())).size === entries.length,
        'each key must be listed once: two entries have the same sha256',
      ),
  );

const origins = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(z.array(origin));

const claim = (name: string, identity: string) =>
  text.default(name).meta({ group: 'Authentication', description: `JWT claim giving ${identity}` });

/** Above what GraphiQL's example operations use (no alias, depth 4, 164 tokens, no directive). */
export const DEFAULT_LIMITS = { aliases: 5, depth: 6, tokens: 1000, directives: 10, bodyBytes: 100_000 } as const;

export const Environment = z.object({
  PORT: integer(0, 65535).default(4000).meta({ group: 'Server', description: 'Port the GraphQL server listens on' }),
  HOST: text.default('127.0.0.1').meta({
    group: 'Server',
    description:
      'Address it listens on; loopback by default. Any other address (`0.0.0.0`, a LAN or public one) needs caller authentication, or `ALLOW_UNAUTHENTICATED=true` outside production',
  }),
  NODE_ENV: oneOf(NODE_ENVIRONMENTS).optional().meta({
    group: 'Server',
    description:
      '`production` refuses to start without Tencent credentials and caller authentication, and turns GraphiQL and introspection off; any other value than these three (`Production` included) stops start-up',
  }),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000)
    .default(10_000)
    .meta({ group: 'Server', description: 'On SIGTERM or SIGINT, how long in-flight requests may take to finish' }),
  FEDERATION: flag.default(false).meta({
    group: 'Server',
    description:
      'Serve the schema as an Apollo Federation v2 subgraph (`_service { sdl }`) for a gateway to compose; refused with `TRUSTED_DOCUMENTS`, as the gateway writes the operations this service receives',
  }),
  FEDERATION_TYPE_PREFIX: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a type name, e.g. Esign: a capital letter, then letters or digits')
    .optional()
    .meta({
      group: 'Server',
      description:
        'With `FEDERATION=true`: prefixes every type the subgraph contributes but `Query` and `Mutation` (`Esign`: `EsignError`, `EsignValidationError`), and its own root fields (`esignMode`, `esignResetSandbox`), so none clashes in the supergraph',
    }),

  TENCENT_ESIGN_ENV: oneOf(ESIGN_ENVIRONMENTS).default('production').meta({
    group: 'Tencent',
    description:
      '`production`: `https://ess.tencentcloudapi.com`, `https://essbasic.tencentcloudapi.com`; `test`: Tencent’s e-sign test environment `https://ess.test.ess.tencent.cn`, `https://essbasic.test.ess.tencent.cn`',
  }),
  TENCENT_ESS_ENDPOINT: baseUrl.optional().meta({
    group: 'Tencent',
    defaultText: 'from `TENCENT_ESIGN_ENV`',
    description:
      'Full base URL of ess, e.g. `http://127.0.0.1:9100` for `npm run emulator`; the signature uses service `ess` and exactly the `Host` sent',
  }),
  TENCENT_ESSBASIC_ENDPOINT: baseUrl.optional().meta({
    group: 'Tencent',
    defaultText: 'from `TENCENT_ESIGN_ENV`',
    description: 'Full base URL of essbasic, likewise',
  }),
  TENCENT_REGION: text.optional().meta({ group: 'Tencent', description: 'Sent as `X-TC-Region` when set' }),
  TENCENT_ESS_OPERATOR_USER_ID: text
    .optional()
    .meta({ group: 'Tencent', description: 'ess `Operator.UserId` used when a request names no operator' }),
  TENCENT_ESSBASIC_APP_ID: text
    .optional()
    .meta({ group: 'Tencent', description: 'essbasic `Agent.AppId` used when a request names none' }),
  TENCENT_LANGUAGE: oneOf(TENCENT_LANGUAGES).optional().meta({
    group: 'Tencent',
    defaultText: 'none sent (Tencent’s default, Chinese)',
    description:
      'Sent as `X-TC-Language` so Tencent’s messages come in that language; a request’s `Accept-Language` (`en*`, `zh*`) takes precedence',
  }),
  TENCENT_TIMEOUT_MS: integer(1, 600_000).default(10_000).meta({
    group: 'Tencent',
    description:
      'Time-out of one call to Tencent: the longest a mutation waits for its answer, the budget queue, every retry and the wait for a pooled connection included',
  }),

  TENCENTCLOUD_SECRET_ID: text.optional().meta({
    group: 'Credentials',
    defaultText: 'next in the chain',
    description:
      'With `TENCENTCLOUD_SECRET_KEY`: Tencent Cloud API credentials, first in the chain (the names Tencent’s SDKs read); with only one of the two the chain goes on, as in the SDKs',
  }),
  TENCENTCLOUD_SECRET_KEY: text.optional().meta({
    group: 'Credentials',
    defaultText: 'as above',
    description: 'The secret key; used only to sign, never logged or returned',
  }),
  TENCENTCLOUD_SESSION_TOKEN: text.optional().meta({
    group: 'Credentials',
    defaultText: 'as above',
    description:
      'Session token of temporary credentials, sent as `X-TC-Token`; they are used as they are until the process restarts (a role is renewed instead)',
  }),
  TKE_REGION: text.optional().meta({
    group: 'Credentials',
    description:
      'With `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN` (set by TKE for a pod with an OIDC role): the region `AssumeRoleWithWebIdentity` is sent to; third in the chain, after the profile files',
  }),
  TKE_PROVIDER_ID: text
    .optional()
    .meta({ group: 'Credentials', description: 'The OIDC identity provider’s name in CAM' }),
  TKE_WEB_IDENTITY_TOKEN_FILE: text.optional().meta({
    group: 'Credentials',
    description: 'File holding the pod’s OIDC token; read again at every renewal',
  }),
  TKE_ROLE_ARN: text.optional().meta({ group: 'Credentials', description: 'The role the OIDC token is exchanged for' }),
  TENCENT_CVM_ROLE: oneOf(['auto', 'off']).default('auto').meta({
    group: 'Credentials',
    description:
      '`auto`: when nothing earlier in the chain has credentials, ask the CVM instance metadata service for the instance role’s (at start-up, for up to 1 s); `off`: never',
  }),
  TENCENT_METADATA_URL: baseUrl.default(METADATA_URL).meta({
    group: 'Credentials',
    description: 'Base URL of the CVM instance metadata service (a local stand-in in tests)',
  }),
  TENCENTCLOUD_ROLE_ARN: text
    .regex(/^qcs::cam::uin\/\d+:/, 'must be a CAM role ARN, e.g. qcs::cam::uin/100000000001:roleName/esign')
    .optional()
    .meta({
      group: 'Credentials',
      description:
        'A role to assume with STS `AssumeRole`, signed with whichever credentials the chain found; calls are then signed with the role’s temporary credentials, renewed before they expire',
    }),
  TENCENTCLOUD_ROLE_SESSION_NAME: z
    .string()
    .regex(/^[\w+=,.@-]{2,128}$/, 'must be 2–128 letters, digits or +=,.@_-')
    .default('esign-graphql')
    .meta({ group: 'Credentials', description: '`RoleSessionName` of `AssumeRole` and `AssumeRoleWithWebIdentity`' }),
  TENCENT_ROLE_DURATION_SECONDS: integer(1, 43_200).default(DEFAULT_DURATION_SECONDS).meta({
    group: 'Credentials',
    description: 'Lifetime asked for the role’s temporary credentials (`DurationSeconds`)',
  }),
  TENCENT_STS_ENDPOINT: baseUrl.default(STS_ENDPOINT).meta({
    group: 'Credentials',
    description: 'Base URL of STS, e.g. `http://127.0.0.1:9100` for `npm run emulator`',
  }),

  TENCENT_RATE_LIMIT_PER_SECOND: integer(0, 100_000).default(20).meta({
    group: 'Reliability',
    description:
      'Calls per action that may start in any 1,000 ms (Tencent’s documented default for both actions); with `REDIS_URL`, for all replicas together; `0` turns the layer’s limiter off',
  }),
  TENCENT_RATE_LIMIT_MAX_WAIT_MS: integer(0, 600_000).default(5_000).meta({
    group: 'Reliability',
    description:
      'Longest a call waits for budget, over all its attempts, before it answers `RateLimitedError` (which it answers at once when it could not start in time); below `TENCENT_TIMEOUT_MS`',
  }),
  TENCENT_RATE_LIMIT_GUARD_MS: integer(0, 1_000).default(DEFAULT_GUARD_MS).meta({
    group: 'Reliability',
    description:
      'Added to Tencent’s 1,000 ms window, for the spread of network delay between the layer and Tencent: at most the limit of calls start in any 1,000 ms plus this. Throughput is the limit × 1000 / (1000 + this); see docs/reliability.md for how the default was measured',
  }),
  TENCENT_RATE_LIMIT_LOCAL_SHARE_MS: integer(1_000, 3_600_000).default(120_000).meta({
    group: 'Reliability',
    description:
      'With `REDIS_URL`, how long a replica cut off from Redis may keep using its share of the limit; after that it refuses calls until Redis is back',
  }),
  TENCENT_RETRY_ATTEMPTS: integer(1, 10).default(3).meta({
    group: 'Reliability',
    description: 'Attempts per call, the first included, where a retry is provably safe',
  }),
  TENCENT_BREAKER_FAILURES: integer(1, 1_000)
    .default(5)
    .meta({ group: 'Reliability', description: 'Upstream failures in a row that open an endpoint’s circuit breaker' }),
  TENCENT_BREAKER_COOLDOWN_MS: integer(100, 3_600_000).default(10_000).meta({
    group: 'Reliability',
    description: 'How long an open breaker refuses calls before it lets a probe through',
  }),
  TENCENT_BREAKER_SLOW_CALL_MS: integer(100, 600_000).default(3_000).meta({
    group: 'Reliability',
    description:
      'A call still in flight this long counts as a failure towards `TENCENT_BREAKER_FAILURES` at that moment, so a hanging endpoint opens the breaker without waiting for time-outs',
  }),

  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379' })
    .optional()
    .meta({
      group: 'Shared state',
      defaultText: 'unset: in memory',
      description: 'Share the call budget and idempotency records between replicas',
    }),
  IDEMPOTENCY_TTL_SECONDS: integer(1, 7 * 86_400)
    .default(86_400)
    .meta({ group: 'Shared state', description: 'How long an `Idempotency-Key` answers with its first result' }),
  IDEMPOTENCY_MAX_RECORDS: integer(1, 10_000_000).default(100_000).meta({
    group: 'Shared state',
    description:
      'Without `REDIS_URL`: the most idempotency records held in memory (about 1.1 kB each); past it the oldest finished one is evicted for each new one',
  }),

  AUTH_JWKS_URL: jwksUrl.optional().meta({
    group: 'Authentication',
    description: 'Bearer JWTs are verified against this key set (`https://`; `http://` only for a loopback host)',
  }),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (256 bits) for HS256').optional().meta({
    group: 'Authentication',
    description: 'Instead of a key set: an HS256 shared secret of at least 32 characters',
  }),
  AUTH_JWT_ISSUER: text
    .optional()
    .meta({ group: 'Authentication', description: 'Required with either key: every token’s `iss` must match' }),
  AUTH_JWT_AUDIENCE: text
    .optional()
    .meta({ group: 'Authentication', description: 'Required with either key: every token’s `aud` must match' }),
  AUTH_JWT_CLOCK_TOLERANCE_SECONDS: integer(0, 300)
    .default(30)
    .meta({ group: 'Authentication', description: 'Allowed clock skew for `exp`, `nbf` and `iat`' }),
  AUTH_API_KEYS: apiKeys.optional().meta({
    group: 'Authentication',
    description: 'API keys for server-to-server callers, as a JSON array of entries holding only SHA-256 digests',
  }),
  ALLOW_UNAUTHENTICATED: flag.default(false).meta({
    group: 'Authentication',
    description:
      'Outside production only: serve callers without authentication on a `HOST` beyond loopback (a trusted private network). Refused with `NODE_ENV=production` or with authentication configured',
  }),
  AUTH_CLAIM_ESS_OPERATOR_USER_ID: claim('ess_operator_user_id', 'ess `Operator.UserId`'),
  AUTH_CLAIM_ESS_PROXY_ORGANIZATION_ID: claim('ess_proxy_organization_id', 'ess `Agent.ProxyOrganizationId`'),
  AUTH_CLAIM_ESSBASIC_PROXY_ORGANIZATION_OPEN_ID: claim(
    'essbasic_proxy_organization_open_id',
    'essbasic `Agent.ProxyOrganizationOpenId`',
  ),
  AUTH_CLAIM_ESSBASIC_PROXY_OPERATOR_OPEN_ID: claim(
    'essbasic_proxy_operator_open_id',
    'essbasic `Agent.ProxyOperator.OpenId`',
  ),

  CORS_ORIGINS: origins.optional().meta({
    group: 'Browsers',
    defaultText: 'loopback origins; none with `NODE_ENV=production`',
    description: 'Comma-separated origins (`https://app.example.com`) whose pages may call the API',
  }),
  GRAPHIQL: flag
    .optional()
    .meta({ group: 'Browsers', defaultText: '`false` in production, else `true`', description: 'Serve GraphiQL' }),

  GRAPHQL_MAX_ALIASES: integer(0, 1_000)
    .default(DEFAULT_LIMITS.aliases)
    .meta({ group: 'Abuse limits', description: 'Aliases per operation' }),
  GRAPHQL_MAX_DEPTH: integer(1, 1_000)
    .default(DEFAULT_LIMITS.depth)
    .meta({ group: 'Abuse limits', description: 'Selection depth' }),
  GRAPHQL_MAX_TOKENS: integer(1, 1_000_000)
    .default(DEFAULT_LIMITS.tokens)
    .meta({ group: 'Abuse limits', description: 'Tokens per document' }),
  GRAPHQL_MAX_DIRECTIVES: integer(0, 1_000)
    .default(DEFAULT_LIMITS.directives)
    .meta({ group: 'Abuse limits', description: 'Directives per operation' }),
  MAX_BODY_BYTES: integer(1_000, 100_000_000)
    .default(DEFAULT_LIMITS.bodyBytes)
    .meta({ group: 'Abuse limits', description: 'Largest request body in bytes' }),
  GRAPHQL_BATCH_LIMIT: integer(0, 100)
    .default(0)
    .meta({ group: 'Abuse limits', description: 'Operations per batched request; `0` turns batching off' }),
  INTROSPECTION: flag.optional().meta({
    group: 'Abuse limits',
    defaultText: '`false` in production, else `true`',
    description: 'Answer introspection (and "Did you mean …?" suggestions)',
  }),
  TRUSTED_DOCUMENTS: text.optional().meta({
    group: 'Abuse limits',
    description:
      'Path of a trusted documents manifest (hash → document JSON, or an Apollo persisted query manifest); when set, only its documents run',
  }),
  APQ_CACHE_BYTES: integer(0, 1_000_000_000).default(5_000_000).meta({
    group: 'Abuse limits',
    description:
      'Automatic persisted queries (without `TRUSTED_DOCUMENTS`): bytes of validated documents kept by hash, least recently used dropped first; `0` turns them off',
  }),

  LOG_LEVEL: oneOf(LOG_LEVELS)
    .default('info')
    .meta({ group: 'Logs', description: 'Least severe level written; `debug` adds graphql-yoga’s own lines' }),

  OTEL_EXPORTER_OTLP_ENDPOINT: baseUrl.optional().meta({
    group: 'Tracing',
    defaultText: 'unset: no tracing',
    description:
      'OTLP/HTTP collector to send traces to (JSON encoding), e.g. `http://127.0.0.1:4318`; spans go to its `/v1/traces`. Unset (and no `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), the OpenTelemetry SDK is not even loaded',
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: baseUrl.optional().meta({
    group: 'Tracing',
    defaultText: 'from `OTEL_EXPORTER_OTLP_ENDPOINT`',
    description: 'The full URL spans are posted to, used as it is; takes precedence over `OTEL_EXPORTER_OTLP_ENDPOINT`',
  }),
  OTEL_SERVICE_NAME: text.default('esign-graphql').meta({
    group: 'Tracing',
    description: 'The `service.name` spans are exported under',
  }),
});
export type Environment = z.output<typeof Environment>;

/** The variables, as the configuration reference lists them. */
export interface VariableDoc {
  name: string;
  group: Group;
  defaultText: string;
  description: string;
}

function defaultOf(schema: z.ZodType): string {
  const meta = schema.meta();
  if (meta?.defaultText) return meta.defaultText;
  if (schema instanceof z.ZodDefault) return `\`${String(schema.def.defaultValue)}\``;
  return 'unset';
}

export function variableDocs(): VariableDoc[] {
  return Object.entries(Environment.shape).map(([name, schema]) => {
    const meta = schema.meta();
    if (!meta?.group || !meta.description) throw new Error(`${name} has no group or description`);
    return { name, group: meta.group, defaultText: defaultOf(schema), description: meta.description };
  });
}
