/**
 * Counts what the idempotency plugin answered instead of running the operation: a replay (its result's
 * `idempotentReplay` extension) or a refusal (its error codes). Read from the results, so the plugin itself
 * only answers.
 */
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../../telemetry/metrics.js';
import { IDEMPOTENCY_REFUSALS } from './plugin.js';

const REFUSALS = new Set<string>(IDEMPOTENCY_REFUSALS);

export function useIdempotencyMetrics(metrics: Pick<Metrics, 'idempotencyReplayed' | 'idempotencyRefused'>): Plugin {
  return {
    onExecutionResult({ result }) {
      if (result === undefined || Symbol.asyncIterator in result) return;
      if (result.extensions?.idempotentReplay === true) metrics.idempotencyReplayed();
      // A refusal is the result's only error, answered before anything ran.
      const code = result.errors?.length === 1 ? result.errors[0]?.extensions?.code : undefined;
      if (typeof code === 'string' && REFUSALS.has(code)) metrics.idempotencyRefused(code);
    },
  };
}
