/**
 * The OpenTelemetry SDK behind `Tracing`, imported only when tracing is configured. Spans are created with
 * explicit parents (no context manager: AsyncLocalStorage would hook every promise, see request-scope.ts), batched,
 * and posted as OTLP/HTTP JSON.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type TextMapGetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_RPC_METHOD,
  ATTR_RPC_SYSTEM_NAME,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { BUILD } from './build.js';
import type { OperationSpan, Tracing, TracingConfig } from './tracing.js';

// GraphQL's attribute names are still incubating in the semantic conventions, which advise copying them.
const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';

const headers: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/** `tencent` (Tencent answered with an error code) or `upstream` (no answer); none for `OK`. */
const failureKind = (code: string) =>
  code === 'OK' ? undefined : code.startsWith('upstream:') ? 'upstream' : 'tencent';

export function openTelemetryTracing(config: TracingConfig): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_VERSION]: BUILD.version,
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.url }))],
  });
  const tracer = provider.getTracer(BUILD.name, BUILD.version);
  const propagator = new W3CTraceContextPropagator();

  return {
    startOperation(carrier, startedAt): OperationSpan {
      const parent = propagator.extract(ROOT_CONTEXT, carrier, headers);
      const span = tracer.startSpan('graphql', { kind: SpanKind.SERVER, startTime: startedAt }, parent);
      const { traceId, spanId, traceFlags } = span.spanContext();
      return {
        traceId,
        spanId,
        traceFlags,
        end({ operation, type, outcome, requestId }) {
          span.updateName(`${type} ${operation}`);
          span.setAttributes({
            [ATTR_GRAPHQL_OPERATION_NAME]: operation,
            [ATTR_GRAPHQL_OPERATION_TYPE]: type,
            'esign.graphql.outcome': [...outcome],
            'esign.request_id': requestId,
          });
          if (outcome.includes('errors')) span.setStatus({ code: SpanStatusCode.ERROR, message: 'errors' });
          span.end();
        },
      };
    },

    tencentCall(record, parent) {
      const method = `${record.service}/${record.action}`;
      const kind = failureKind(record.code);
      const span = tracer.startSpan(
        method,
        {
          kind: SpanKind.CLIENT,
          startTime: performance.now() - record.latencyMs,
          attributes: {
            [ATTR_RPC_SYSTEM_NAME]: 'tencentcloud',
            [ATTR_RPC_METHOD]: method,
            'esign.tencent.service': record.service,
            'esign.tencent.action': record.action,
            'esign.tencent.outcome': record.code,
            'esign.tencent.attempt': record.attempt,
            'esign.tencent.queued_ms': record.queuedMs,
            ...(record.tencentRequestId ? { 'esign.tencent.request_id': record.tencentRequestId } : {}),
            ...(kind ? { 'esign.tencent.failure_kind': kind, [ATTR_ERROR_TYPE]: record.code } : {}),
          },
        },
        trace.setSpanContext(ROOT_CONTEXT, parent),
      );
      if (kind) span.setStatus({ code: SpanStatusCode.ERROR, message: record.code });
      span.end();
      const { traceId, spanId, traceFlags } = span.spanContext();
      return { traceId, spanId, traceFlags };
    },

    shutdown: () => provider.shutdown(),
  };
}
