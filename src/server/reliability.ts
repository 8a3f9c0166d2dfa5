/** Builds the policies around the Tencent client from configuration: call budget, breaker, retries. */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { BreakerState } from '../tencent/breaker.js';
import { CallBudget } from '../tencent/budget.js';
import type { TencentCaller } from '../tencent/client.js';
import type { Service } from '../tencent/endpoints.js';
import { ReliableCaller } from '../tencent/reliable.js';
import type { Config } from '../config/index.js';

const RETRY_BASE_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 2_000;

/** Where the policies report what they do (logs, metrics). */
export interface ReliabilityHooks {
  onBreakerStateChange: (service: Service, state: BreakerState) => void;
  onAdmitted: (action: string, waitedMs: number) => void;
}

function budgetFor(config: Config, redis: Redis | undefined, hooks: ReliabilityHooks): CallBudget | undefined {
  const points = config.reliability.rateLimitPerSecond;
  if (points === 0) return undefined;
  // Keys carry the second (see CallBudget), so a one-second duration only bounds how long a key lives.
  const local = new RateLimiterMemory({ points, duration: 1, keyPrefix: 'esign-budget' });
  const limiter = redis
    ? // While Redis is unreachable each replica falls back to its own in-process budget.
      new RateLimiterRedis({ storeClient: redis, points, duration: 1, keyPrefix: 'esign-budget', insuranceLimiter: local })
    : local;
  return new CallBudget(limiter, {
    perSecond: points,
    maxWaitMs: config.reliability.rateLimitMaxWaitMs,
    maxQueue: config.reliability.rateLimitQueue,
    onAdmitted: hooks.onAdmitted,
  });
}

export function reliableCaller(
  inner: TencentCaller,
  config: Config,
  redis: Redis | undefined,
  hooks: ReliabilityHooks,
): ReliableCaller {
  return new ReliableCaller(inner, {
    budget: budgetFor(config, redis, hooks),
    retry: { attempts: config.reliability.retryAttempts, baseDelayMs: RETRY_BASE_DELAY_MS, maxDelayMs: RETRY_MAX_DELAY_MS },
    breaker: { failureThreshold: config.reliability.breakerFailures, cooldownMs: config.reliability.breakerCooldownMs },
    onBreakerStateChange: hooks.onBreakerStateChange,
  });
}

/** The longest one call can take through the policies: budget wait, then every attempt timing out. */
export function longestCallMs(config: Config): number {
  const { rateLimitMaxWaitMs, retryAttempts } = config.reliability;
  return rateLimitMaxWaitMs + retryAttempts * (config.timeoutMs + RETRY_MAX_DELAY_MS);
}
