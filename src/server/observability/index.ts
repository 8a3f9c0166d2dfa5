/**
 * Logs and metrics, assembled for start.ts: the logger, the metrics, the
 * yoga plugins, and the hooks the Tencent caller and its reliability wrapper
 * report through.
 */
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { BreakerState } from '../../tencent/breaker.js';
import type { TencentCaller } from '../../tencent/client.js';
import type { Service } from '../../tencent/endpoints.js';
import { InstrumentedCaller } from './instrumented-caller.js';
import { type Logger, yogaLoggerFor } from './logger.js';
import { useMetricsEndpoint } from './metrics-endpoint.js';
import { Metrics, type ReliabilitySources } from './metrics.js';
import { type OperationReporter, operationReporter, useObservedOperations } from './operation-plugin.js';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  /** For `createApp({ logger })`: yoga's own messages and masked errors, through the same logger. */
  yogaLogger: YogaLogger;
  /** For `createApp({ plugins })`: request ids, the operation line and counts, and `GET /metrics`. */
  plugins: Plugin[];
  /** Logs and counts an operation served outside yoga (the fast path), exactly as the plugin does. */
  reportOperation: OperationReporter;
  /** Wraps the Tencent client (inside the reliability wrapper) so each attempt is logged and counted. */
  instrument(client: TencentCaller): TencentCaller;
  /** For `ReliabilityOptions.onBreakerStateChange`. */
  breakerStateChanged(service: Service, state: BreakerState): void;
  /** For `BudgetOptions.onAdmitted`. */
  limiterAdmitted(action: string, waitedMs: number): void;
  /** Registers the reliability wrapper (and its budget) whose state `/metrics` reports. */
  watch(sources: ReliabilitySources): void;
}

export function createObservability(logger: Logger): Observability {
  const metrics = new Metrics();
  const reportOperation = operationReporter(logger, metrics);
  return {
    logger,
    metrics,
    yogaLogger: yogaLoggerFor(logger),
    plugins: [useObservedOperations(reportOperation), useMetricsEndpoint(metrics.registry)],
    reportOperation,
    instrument: (client) => new InstrumentedCaller(client, logger, metrics),
    breakerStateChanged(service, state) {
      metrics.breakerChanged(service, state);
      const level = state === 'closed' ? 'info' : 'warn';
      // A service-wide event: no request's id, though one request's call tipped it.
      logger[level]({ service, state }, `circuit breaker ${state}`);
    },
    limiterAdmitted: metrics.limiterAdmitted,
    watch: (sources) => metrics.watch(sources),
  };
}
