/**
 * Wires configuration, the Tencent client (or the sandbox emulator), the
 * reliability policies, shared state in Redis and the yoga app into a
 * listening server that shuts down gracefully.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_EMULATOR_CREDENTIALS, type Emulator, startEmulator } from '../emulator/server.js';
import type { ServiceMode } from '../schema/builder.js';
import { TencentClient } from '../tencent/client.js';
import { SERVICES } from '../tencent/endpoints.js';
import { createApp, GRAPHQL_PATH } from './app.js';
import type { Config } from './config.js';
import { useReadiness } from './health.js';
import { MemoryIdempotencyStore } from './idempotency/memory-store.js';
import { useIdempotency } from './idempotency/plugin.js';
import { RedisIdempotencyStore } from './idempotency/redis-store.js';
import { createObservability } from './observability/index.js';
import { type Logger, loggerFor } from './observability/logger.js';
import { connectRedis, type RedisHealth, redisHealth, waitForRedis } from './redis.js';
import { longestCallMs, reliableCaller } from './reliability.js';

export interface RunningService {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  mode: ServiceMode;
  /** The in-process emulator in sandbox mode. */
  emulator: Emulator | undefined;
  /** Stops accepting, lets in-flight requests finish (up to `SHUTDOWN_TIMEOUT_MS`), then releases everything. */
  close(): Promise<void>;
}

const REDIS_STARTUP_WAIT_MS = 2_000;
/** How often, while shutting down, connections that finished their request are closed. */
const DRAIN_POLL_MS = 50;

/** `logger`: a pino logger to use, `false` for none; by default one from the configuration (`LOG_LEVEL`). */
export async function startService(config: Config, logger?: Logger | boolean): Promise<RunningService> {
  const observability = createObservability(loggerFor(config, logger));
  const log = observability.logger;
  const emulator = config.mode === 'sandbox' ? await startEmulator({ seed: true }) : undefined;
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  const client = new TencentClient({
    credentials: config.credentials ?? DEFAULT_EMULATOR_CREDENTIALS,
    endpoints: emulator ? { ess: emulator.url, essbasic: emulator.url } : config.endpoints,
    region: config.region,
    timeoutMs: config.timeoutMs,
  });
  // Instrumented inside the policies, so every attempt is logged and counted.
  const tencent = reliableCaller(observability.instrument(client), config, redis, {
    onBreakerStateChange: observability.breakerStateChanged,
    onAdmitted: observability.limiterAdmitted,
  });
  observability.watch({ breakers: tencent.breakers, budget: tencent.budget });
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
  const { listener } = createApp({
    tencent,
    defaults: config.defaults,
    mode,
    logger: observability.yogaLogger,
    plugins: [...observability.plugins, useReadiness(readiness), useIdempotency(idempotency)],
    auth: config.auth,
    browser: config.browser,
    protection: config.protection,
    fastPath: config.fastPath,
    reportOperation: observability.reportOperation,
    onRoute: observability.metrics.routed,
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

  const server = createServer(listener);
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
    await emulator?.close();
  };

  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    mode,
    emulator,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
