/**
 * Tracing, when an OTLP endpoint is configured: one span per GraphQL operation (a child of the request's W3C
 * `traceparent` when it has a valid one) and, under it, one per attempt the Tencent caller chain makes. This module
 * holds only the shapes; the OpenTelemetry SDK is imported by `startTracing`, so a service without tracing loads
 * none of it and its requests do nothing more than before.
 */
import type { TencentCallRecord, TraceSpan } from '../tencent/caller/index.js';

export type { TraceSpan };

export interface TracingConfig {
  /** Where spans are posted (OTLP over HTTP, JSON encoding). */
  url: string;
  serviceName: string;
}

/** How an operation finished, as its log line says it. */
export interface OperationEnd {
  operation: string;
  type: string;
  /** Each mutation result's `__typename`, else `errors` or `data`. */
  outcome: readonly string[];
  requestId: string;
}

/** A GraphQL operation's span, open until the operation's result is reported. */
export interface OperationSpan extends TraceSpan {
  /** Names the span after the operation, records what it produced and ends it. */
  end(finished: OperationEnd): void;
}

export interface Tracing {
  /** Opens an operation's span under the request's `traceparent` (and `tracestate`), or as a new trace. */
  startOperation(headers: Headers, startedAt: number): OperationSpan;
  /** Records one finished Tencent attempt as a span under `parent`, answering its own ids for the log line. */
  tencentCall(record: TencentCallRecord, parent: TraceSpan): TraceSpan;
  /** Exports the spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/** The log fields naming a span: `traceId` and `spanId`, as trace back-ends join logs to traces. */
export const traceFields = ({ traceId, spanId }: TraceSpan) => ({ traceId, spanId });

export async function startTracing(config: TracingConfig): Promise<Tracing> {
  const { openTelemetryTracing } = await import('./otel.js');
  return openTelemetryTracing(config);
}
