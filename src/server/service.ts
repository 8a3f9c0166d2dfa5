/**
 * Composes the service from its configuration: the Tencent client (or, in sandbox mode, the emulator), the
 * caller chain around it, shared state in Redis, the yoga app, and an HTTP server that shuts down gracefully.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { type Config, ConfigError, type Mode, noCredentialsError } from '../config/index.js';
import type { Emulator } from '../emulator/server.js';
import { PLACEHOLDER_VALUES } from '../plugins/browser/graphiql.js';
import { MemoryIdempotencyStore } from '../plugins/idempotency/memory-store.js';
import { RedisIdempotencyStore } from '../plugins/idempotency/redis-store.js';
import type { ServiceMode } from '../schema/builder.js';
import { type Logger, loggerFor } from '../telemetry/logger.js';
import { Metrics } from '../telemetry/metrics.js';
import { startTracing } from '../telemetry/tracing.js';
import { TencentClient } from '../tencent/client.js';
import {
  type CredentialEvents,
  CredentialsError,
  type OpenCredentials,
  type OpenResult,
  openChain,
} from '../tencent/credentials/index.js';
import { SERVICES } from '../tencent/endpoints.js';
import { createApp, GRAPHQL_PATH } from './app.js';
import { callerChainFor } from './caller-chain.js';
import { appendOnly, connectRedis, type RedisHealth, redisHealth, waitForRedis } from './redis.js';

export interface RunningService {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  mode: ServiceMode;
  logger: Logger;
  /** The in-process emulator in sandbox mode. */
  emulator: Emulator | undefined;
  /** Stops accepting, lets in-flight requests finish (up to `SHUTDOWN_TIMEOUT_MS`), then releases everything. */
  close(): Promise<void>;
}

/** Logs and counts each renewal of temporary credentials, and each failed one. */
export function credentialReporter(log: Logger, metrics: Metrics): CredentialEvents {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    refreshed({ provider, expiresAt }) {
      metrics.credentialsRefreshed(provider, expiresAt);
      log.info({ provider, expiresAt: iso(expiresAt) }, 'tencent credentials refreshed');
    },
    refreshFailed({ provider, error, validUntil }) {
      metrics.credentialsRefreshFailed(provider);
      const kept = validUntil === undefined ? 'none are valid' : 'the current ones are used until then';
      log.warn({ provider, error, validUntil: iso(validUntil) }, `tencent credentials refresh failed: ${kept}`);
    },
  };
}

/**
 * Opens the credential chain. Undefined means sandbox mode: nothing configured, and the CVM instance role, if it was
 * to be asked, did not answer (production refuses to start instead).
 */
async function openCredentials(
  config: Config,
  log: Logger,
  events: CredentialEvents,
  now: (() => number) | undefined,
): Promise<OpenCredentials | undefined> {
  const chain = config.credentials;
  for (const note of chain.notes) log.warn(`Tencent credentials: ${note}`);
  if (config.mode === 'sandbox' && chain.base?.kind !== 'cvm-role') return undefined;
  let result: OpenResult;
  try {
    result = await openChain(chain, { now, events });
  } catch (error) {
    if (error instanceof CredentialsError)
      throw new ConfigError(`Refusing to start: Tencent credentials from ${error.message}`);
    throw error;
  }
  if (result.unavailable !== undefined) {
    if (config.production) throw noCredentialsError([...chain.notes, result.unavailable]);
    log.info(`No Tencent credentials (${result.unavailable}): sandbox mode`);
    return undefined;
  }
  log.info({ credentials: result.open.description }, 'Tencent credentials');
  return result.open;
}

export interface ServiceOptions {
  /** The clock Tencent calls are signed and temporary credentials judged by; tests replace it. */
  now?: () => number;
}

const REDIS_STARTUP_WAIT_MS = 2_000;
const AOF_OFF =
  'Redis reports aof_enabled:0: idempotency records (results, and calls marked sent) are lost if Redis restarts; set appendonly yes with appendfsync everysec or always';
/** How often, while shutting down, connections that finished their request are closed. */
const DRAIN_POLL_MS = 50;
/** Of `SHUTDOWN_TIMEOUT_MS`, what is kept after the last Tencent call is answered for writing its response. */
const RESPONSE_MARGIN_MS = 500;
/** How long shutdown waits for the last spans to be exported. */
const TRACES_FLUSH_MS = 2_000;

/** `logger`: a pino logger to use, `false` for none; by default one from the configuration (`LOG_LEVEL`). */
export async function startService(
  config: Config,
  logger?: Logger | boolean,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const log = await loggerFor(config, logger);
  const metrics = new Metrics();
  const credentials = await openCredentials(config, log, credentialReporter(log, metrics), options.now);
  const effectiveMode: Mode = credentials ? config.environment : 'sandbox';
  // Imported only here, so the emulator is loaded only in sandbox mode.
  const sandbox = credentials ? undefined : await (await import('./sandbox.js')).startSandbox();
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
  const client = new TencentClient({
    credentials: sandbox?.credentials ?? credentials!.source,
    endpoints: sandbox ? { ess: sandbox.emulator.url, essbasic: sandbox.emulator.url } : config.endpoints,
    region: config.region,
    timeoutMs: config.timeoutMs,
    now: options.now,
  });
  const tracing = config.tracing ? await startTracing(config.tracing) : undefined;
  const chain = callerChainFor(config, client, redis, log, metrics, tracing);
  metrics.watch({ breakers: chain.breakers, budget: chain.budget });
  // A duplicate request waits for the first as long as the first can take.
  const timings = { ttlMs: config.idempotencyTtlSeconds * 1000, waitMs: config.timeoutMs };
  const idempotency = redis
    ? new RedisIdempotencyStore(redis, timings)
    : new MemoryIdempotencyStore(timings, {
        maxRecords: config.idempotencyMaxRecords,
        onEvict: metrics.idempotencyEvicted,
      });
  if (idempotency instanceof MemoryIdempotencyStore) metrics.watchIdempotency(idempotency);
  if (redis) metrics.watchRedis(() => redisHealth(redis) === 'ready');

  /** Redis's append-only file, as last seen: `off` means idempotency records do not survive a Redis restart. */
  let aof: 'on' | 'off' | 'unknown' = 'unknown';
  let shuttingDown = false;
  // Not ready only when this replica cannot serve: shutting down, or its budget has no safe way to admit a call.
  // Redis unreachable alone is not that: the budget falls back to this replica's share, and only keyed requests fail.
  const readiness = () => {
    const redisState: RedisHealth | 'not configured' = redis ? redisHealth(redis) : 'not configured';
    const budget = chain.budget?.mode ?? 'off';
    return {
      ready: !shuttingDown && budget !== 'unavailable',
      mode: effectiveMode,
      shuttingDown,
      redis: redisState,
      budget,
      breakers: Object.fromEntries(SERVICES.map((service) => [service, chain.breakers[service].state])),
      ...(redis ? { redisAof: aof } : {}),
      // Reported, not a reason to be unready: every replica shares the one Redis, and serving goes on.
      ...(aof === 'off' ? { warnings: [AOF_OFF] } : {}),
    };
  };

  const mode = effectiveMode.toUpperCase() as ServiceMode;
  const yoga = createApp({
    config,
    mode,
    tencent: chain.caller,
    logger: log,
    metrics,
    idempotency,
    readiness,
    exampleValues: sandbox?.exampleValues ?? PLACEHOLDER_VALUES,
    sandbox: sandbox?.controls,
    tracing,
  });

  if (redis) {
    let reported: RedisHealth | undefined;
    const report = (health: RedisHealth, detail = '') => {
      if (health === reported) return;
      reported = health;
      if (health === 'ready') log.info('Redis connected: call budget and idempotency records are shared');
      else log.warn(`Redis unreachable${detail}: requests with an Idempotency-Key are refused until it is back`);
    };
    // Asked at each (re)connection: a Redis restarted may come back with another configuration.
    const checkAof = async () => {
      const enabled = await appendOnly(redis);
      const was = aof;
      aof = enabled === undefined ? 'unknown' : enabled ? 'on' : 'off';
      if (aof === 'off' && was !== 'off') log.warn(AOF_OFF);
    };
    redis.on('ready', () => {
      report('ready');
      void checkAof();
    });
    redis.on('error', (error: Error) => report('unreachable', ` (${error.message})`));
    report(await waitForRedis(redis, REDIS_STARTUP_WAIT_MS));
    if (reported === 'ready') await checkAof();
    // Connected: let the budget join the other replicas before taking traffic (bounded, as Redis may be down).
    if (reported === 'ready')
      await Promise.race([chain.admitting, delay(REDIS_STARTUP_WAIT_MS, undefined, { ref: false })]);
  }

  const server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  /**
   * Stops accepting; answers every Tencent call before its connection closes (waiting ones at once, not sent; those
   * written to Tencent when they are answered, or outcome unknown shortly before the deadline); lets the responses
   * be written; closes what is left at `SHUTDOWN_TIMEOUT_MS`, then releases everything.
   */
  const shutdown = async () => {
    shuttingDown = true;
    const limitMs = config.shutdownTimeoutMs;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections stay open after their response; close each once it is idle, and all at the deadline.
    const drain = setInterval(() => server.closeIdleConnections(), DRAIN_POLL_MS);
    server.closeIdleConnections();
    let deadline: NodeJS.Timeout | undefined;
    const atDeadline = new Promise<void>((resolve) => {
      deadline = setTimeout(resolve, limitMs);
    });
    await chain.shutdown(Math.max(0, limitMs - Math.min(RESPONSE_MARGIN_MS, limitMs / 5)));
    await Promise.race([drained, atDeadline]);
    server.closeAllConnections();
    clearInterval(drain);
    clearTimeout(deadline);
    await client.close();
    await credentials?.close();
    await redis?.quit().catch(() => redis.disconnect());
    await sandbox?.emulator.close();
    // Last: every operation has ended its span by now. Bounded: an unreachable collector must not hold the exit.
    const exported = tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'traces not exported'));
    await Promise.race([exported, delay(TRACES_FLUSH_MS, undefined, { ref: false })]);
  };

  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    mode,
    logger: log,
    emulator: sandbox?.emulator,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
