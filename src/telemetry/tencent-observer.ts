/**
 * What the Tencent caller chain reports, turned into log lines and metrics: one `tencent call` line per attempt
 * (`tencent call failed` at warn when no Tencent answer came), and the breaker's and the budget's state changes,
 * which are service-wide events and carry no request's id. With tracing on, each attempt is also a span under its
 * operation's, and its line carries that span's `traceId` and `spanId`.
 */
import type { CallerObserver, TencentCallRecord, TraceSpan } from '../tencent/caller/index.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { type Tracing, traceFields } from './tracing.js';

function tracedLine({ parent: _, ...fields }: TencentCallRecord, span: TraceSpan) {
  return { ...fields, ...traceFields(span) };
}

export function tencentObserver(logger: Logger, metrics: Metrics, tracing?: Tracing): CallerObserver {
  return {
    tencentCall(record) {
      metrics.tencentCallFinished(record.service, record.action, record.code, record.latencyMs / 1000);
      // `parent` is set only while tracing is on; the line names the attempt's own span instead.
      const line = record.parent && tracing ? tracedLine(record, tracing.tencentCall(record, record.parent)) : record;
      // Tencent's message is not logged: it may quote the parameters it refused.
      if (record.error === undefined) logger.info(line, 'tencent call');
      else logger.warn(line, 'tencent call failed');
    },
    limiterAdmitted: metrics.limiterAdmitted,
    breakerChanged(service, state) {
      metrics.breakerChanged(service, state);
      logger[state === 'closed' ? 'info' : 'warn']({ service, state }, `circuit breaker ${state}`);
    },
    budgetModeChanged(mode, previous) {
      const level = mode === 'local' || mode === 'shared' ? 'info' : 'warn';
      logger[level]({ mode, previous }, `call budget ${mode}`);
    },
  };
}
