/**
 * Error messages leave without the input values GraphQL repeats in them
 * (see `withoutEchoedValues`), whichever phase produced them: parsing,
 * validation, variable coercion or execution.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { withoutEchoedValues } from '../../telemetry/redact.js';

function scrub(result: ExecutionResult): void {
  for (const error of result.errors ?? []) error.message = withoutEchoedValues(error.message);
}

export function useEchoFreeErrors(): Plugin {
  return {
    onResultProcess({ result }) {
      // Streamed results (subscriptions, @defer) are not served by this schema.
      if (Symbol.asyncIterator in result) return;
      for (const single of Array.isArray(result) ? result : [result]) scrub(single);
    },
  };
}
