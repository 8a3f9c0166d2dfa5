/**
 * The yoga plugin that opens each GraphQL operation's span, under the request's W3C `traceparent` and
 * `tracestate` when they are valid (a new trace otherwise). The operations plugin takes the span into the
 * operation's scope, so the operation's log line and its Tencent calls name it, and ends it with the operation's
 * outcome when it reports the result.
 */
import type { Plugin } from 'graphql-yoga';
import type { OperationSpan, Tracing } from '../telemetry/tracing.js';

export interface TracingOptions {
  tracing: Tracing;
}

export interface TracingPlugin extends Plugin {
  /** The span of the operation whose context is `context`, once its parameters are read. */
  spanOf(context: object): OperationSpan | undefined;
}

export function useTracing({ tracing }: TracingOptions): TracingPlugin {
  // Keyed by the operation's context object: yoga gives each operation of a batch one of its own.
  const spans = new WeakMap<object, OperationSpan>();
  return {
    spanOf: (context) => spans.get(context),
    onParams({ request, context }) {
      spans.set(context, tracing.startOperation(request.headers, performance.now()));
    },
  };
}
