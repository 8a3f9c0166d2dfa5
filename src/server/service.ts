/**
 * Composes the service from its configuration: the Tencent client (or, in sandbox mode, the emulator), the
 * caller chain around it, shared state in Redis, the yoga app, and an HTTP server that shuts down gracefully.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, ConfigError, type Mode, noCredentialsError } from '../config/index.js';
import type { Emulator } from '../emulator/server.js';
import { PLACEHOLDER_VALUES } from '../plugins/browser/graphiql.js';
import { MemoryIdempotencyStore } from '../plugins/idempotency/memory-store.js';
import { RedisIdempotencyStore } from '../plugins/idempotency/redis-store.js';
import type { ServiceMode } from '../schema/builder.js';
import { type Logger, loggerFor } from '../telemetry/logger.js';
import { Metrics } from '../telemetry/metrics.js';
import { TencentClient } from '../tencent/client.js';
import {
  type CredentialEvents,
  CredentialsError,
  type OpenCredentials,
  type OpenResult,
  openChain,
} from '../tencent/credentials/index.js';
import type { BreakerState } from '../tencent/breaker.js';
import { SERVICES, type Service } from '../tencent/endpoints.js';
import { createApp, GRAPHQL_PATH } from './app.js';
import { InstrumentedCaller } from './observability/instrumented-caller.js';
import { connectRedis, type RedisHealth, redisHealth, waitForRedis } from './redis.js';
import { longestCallMs, reliableCaller } from './reliability.js';

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

/** Logs and counts each circuit breaker change: a service-wide event, with no request's id. */
export function breakerReporter(log: Logger, metrics: Metrics): (service: Service, state: BreakerState) => void {
  return (service, state) => {
    metrics.breakerChanged(service, state);
    log[state === 'closed' ? 'info' : 'warn']({ service, state }, `circuit breaker ${state}`);
  };
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
    if (error instanceof CredentialsError) throw new ConfigError(`Refusing to start: Tencent credentials from ${error.message}`);
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
/** How often, while shutting down, connections that finished their request are closed. */
const DRAIN_POLL_MS = 50;

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
  // Instrumented inside the policies, so every attempt is logged and counted.
  const tencent = reliableCaller(new InstrumentedCaller(client, log, metrics), config, redis, {
    onBreakerStateChange: breakerReporter(log, metrics),
    onAdmitted: metrics.limiterAdmitted,
  });
  metrics.watch({ breakers: tencent.breakers, budget: tencent.budget });
  const timings = { ttlMs: config.idempotencyTtlSeconds * 1000, waitMs: longestCallMs(config) };
  const idempotency = redis
    ? new RedisIdempotencyStore(redis, timings)
    : new MemoryIdempotencyStore(timings, {
        maxRecords: config.idempotencyMaxRecords,
        onEvict: metrics.idempotencyEvicted,
      });
  if (idempotency instanceof MemoryIdempotencyStore) metrics.watchIdempotency(idempotency);

  let shuttingDown = false;
  const readiness = () => {
    const redisState: RedisHealth | 'not configured' = redis ? redisHealth(redis) : 'not configured';
    return {
      ready: !shuttingDown && redisState !== 'unreachable',
      mode: effectiveMode,
      shuttingDown,
      redis: redisState,
      breakers: Object.fromEntries(SERVICES.map((service) => [service, tencent.breakers[service].state])),
    };
  };

  const mode = effectiveMode.toUpperCase() as ServiceMode;
  const yoga = createApp({
    config,
    mode,
    tencent,
    logger: log,
    metrics,
    idempotency,
    readiness,
    exampleValues: sandbox?.exampleValues ?? PLACEHOLDER_VALUES,
    sandbox: sandbox?.controls,
  });

  if (redis) {
    let reported: RedisHealth | undefined;
    const report = (health: RedisHealth, detail = '') => {
      if (health === reported) return;
      reported = health;
      if (health === 'ready') log.info('Redis connected: call budget and idempotency records are shared');
      else log.warn(`Redis unreachable${detail}: using this replica's own call budget until it is back`);
    };
    redis.on('ready', () => report('ready'));
    redis.on('error', (error: Error) => report('unreachable', ` (${error.message})`));
    report(await waitForRedis(redis, REDIS_STARTUP_WAIT_MS));
  }

  const server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    shuttingDown = true;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections stay open after their response; close each once it is idle, and all at the deadline.
    const drain = setInterval(() => server.closeIdleConnections(), DRAIN_POLL_MS);
    const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
    server.closeIdleConnections();
    await drained;
    clearInterval(drain);
    clearTimeout(deadline);
    await client.close();
    await credentials?.close();
    await redis?.quit().catch(() => redis.disconnect());
    await sandbox?.emulator.close();
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
