/**
 * Composes the service from its configuration: the Tencent client (or, in sandbox mode, the emulator), the
 * caller chain around it, shared state in Redis, the yoga app, and an HTTP server that shuts down gracefully.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/index.js';
import type { Emulator } from '../emulator/server.js';
import { PLACEHOLDER_VALUES } from '../plugins/browser/graphiql.js';
import { MemoryIdempotencyStore } from '../plugins/idempotency/memory-store.js';
import { RedisIdempotencyStore } from '../plugins/idempotency/redis-store.js';
import type { ServiceMode } from '../schema/builder.js';
import { type Logger, loggerFor } from '../telemetry/logger.js';
import { Metrics } from '../telemetry/metrics.js';
import { TencentClient } from '../tencent/client.js';
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

const REDIS_STARTUP_WAIT_MS = 2_000;
/** How often, while shutting down, connections that finished their request are closed. */
const DRAIN_POLL_MS = 50;

/** `logger`: a pino logger to use, `false` for none; by default one from the configuration (`LOG_LEVEL`). */
export async function startService(config: Config, logger?: Logger | boolean): Promise<RunningService> {
  const log = await loggerFor(config, logger);
  const metrics = new Metrics();
  // Imported only here, so the emulator is loaded only in sandbox mode.
  const sandbox = config.mode === 'sandbox' ? await (await import('./sandbox.js')).startSandbox() : undefined;
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
  const client = new TencentClient({
    credentials: sandbox?.credentials ?? config.credentials!,
    endpoints: sandbox ? { ess: sandbox.emulator.url, essbasic: sandbox.emulator.url } : config.endpoints,
    region: config.region,
    timeoutMs: config.timeoutMs,
  });
  // Instrumented inside the policies, so every attempt is logged and counted.
  const tencent = reliableCaller(new InstrumentedCaller(client, log, metrics), config, redis, {
    onBreakerStateChange: breakerReporter(log, metrics),
    onAdmitted: metrics.limiterAdmitted,
  });
  metrics.watch({ breakers: tencent.breakers, budget: tencent.budget });
  const timings = { ttlMs: config.idempotencyTtlSeconds * 1000, waitMs: longestCallMs(config) };
  const idempotency = redis ? new RedisIdempotencyStore(redis, timings) : new MemoryIdempotencyStore(timings);

  let shuttingDown = false;
  const readiness = () => {
    const redisState: RedisHealth | 'not configured' = redis ? redisHealth(redis) : 'not configured';
    return {
      ready: !shuttingDown && redisState !== 'unreachable',
      mode: config.mode,
      shuttingDown,
      redis: redisState,
      breakers: Object.fromEntries(SERVICES.map((service) => [service, tencent.breakers[service].state])),
    };
  };

  const mode = config.mode.toUpperCase() as ServiceMode;
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
