/** The Tencent caller chain as configured: call budget, breaker, retries and instrumentation around the client. */
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { tencentObserver } from '../telemetry/tencent-observer.js';
import type { Tracing } from '../telemetry/tracing.js';
import { type AttemptCaller, type CallerChain, createCallerChain } from '../tencent/caller/index.js';

export interface ConfiguredChain extends CallerChain {
  /** Settles once the budget can admit calls: at once in memory; with Redis, once this replica has joined. */
  admitting: Promise<void>;
}

/** The chain of policies around the client, from configuration: budget, breaker, retries, instrumentation. */
export function callerChainFor(
  config: Pick<Config, 'reliability' | 'timeoutMs'>,
  client: AttemptCaller,
  redis: Redis | undefined,
  log: Logger,
  metrics: Metrics,
  tracing?: Tracing,
): ConfiguredChain {
  const { reliability } = config;
  const observer = tencentObserver(log, metrics, tracing);
  let joined!: () => void;
  const admitting = new Promise<void>((resolve) => (joined = resolve));
  const chain = createCallerChain(
    client,
    {
      limit: reliability.rateLimitPerSecond,
      guardMs: reliability.rateLimitGuardMs,
      maxWaitMs: reliability.rateLimitMaxWaitMs,
      timeoutMs: config.timeoutMs,
      retry: { attempts: reliability.retryAttempts },
      breaker: {
        failures: reliability.breakerFailures,
        cooldownMs: reliability.breakerCooldownMs,
        slowCallMs: reliability.breakerSlowCallMs,
      },
      ...(redis ? { redis: { redis, localShareMs: reliability.rateLimitLocalShareMs } } : {}),
    },
    {
      ...observer,
      budgetModeChanged(mode, previous) {
        observer.budgetModeChanged?.(mode, previous);
        if (mode !== 'unavailable') joined();
      },
    },
  );
  if (chain.budget === undefined || chain.budget.mode !== 'unavailable') joined();
  return Object.assign(chain, { admitting });
}
