/**
 * Counts what the idempotency plugin answered instead of running the operation: a replay (its result's
 * `idempotentReplay` extension) or a refusal (its error codes). Read from the results, so the plugin itself
 * only answers.
 */
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../../telemetry/metrics.js';

/** The codes the idempotency plugin refuses with; no other part of the service answers them. */
const REFUSALS = new Set([
  'BAD_IDEMPOTENCY_KEY',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  'IDEMPOTENCY_UNAVAILABLE',
]);

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
