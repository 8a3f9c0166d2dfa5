/**
 * A Tencent caller that logs and counts every call it passes on. Wrapped
 * directly around the client, inside the reliability wrapper, it sees each
 * real attempt: a retried call gives one line per attempt.
 */
import type { ReplyOf, RequestOf, TencentAction } from '../../tencent/action.js';
import type { CallTrace, TencentCaller, TencentOutcome } from '../../tencent/client.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import { millisecondsSince } from '../../telemetry/request-scope.js';

/** `OK`, Tencent's error code, or `upstream:<reason>` (`rate-limited` cannot occur this close to the client). */
export function outcomeCode(outcome: TencentOutcome<unknown>): string {
  if (outcome.ok) return 'OK';
  const { failure } = outcome;
  switch (failure.kind) {
    case 'tencent':
      return failure.code;
    case 'upstream':
      return `upstream:${failure.reason}`;
    case 'rate-limited':
      return 'rate-limited';
  }
}

export class InstrumentedCaller implements TencentCaller {
  constructor(
    private readonly inner: TencentCaller,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async call<A extends TencentAction>(
    action: A,
    request: RequestOf<A>,
    trace?: CallTrace,
  ): Promise<TencentOutcome<ReplyOf<A>>> {
    const startedAt = performance.now();
    const outcome = await this.inner.call(action, request, trace);
    const elapsedMs = millisecondsSince(startedAt);
    const code = outcomeCode(outcome);
    this.metrics.tencentCallFinished(action.service, action.name, code, elapsedMs / 1000);

    const fields = {
      reqId: trace?.requestId,
      operation: trace?.operation,
      service: action.service,
      action: action.name,
      // Tencent's message is not logged: it may quote the parameters it refused.
      tencentRequestId: outcome.ok
        ? outcome.requestId
        : outcome.failure.kind === 'tencent'
          ? outcome.failure.requestId
          : undefined,
      code,
      latencyMs: elapsedMs,
    };
    if (!outcome.ok && outcome.failure.kind === 'upstream') {
      this.logger.warn({ ...fields, error: outcome.failure.message }, 'tencent call failed');
    } else {
      this.logger.info(fields, 'tencent call');
    }
    return outcome;
  }
}
