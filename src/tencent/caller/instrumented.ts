/**
 * Wraps the client so that every attempt it makes is reported: one record per
 * attempt (a retried call gives several), with the fields the service logs and
 * counts. What is done with a record (log line, metrics) is the observer's.
 */
import type { ReplyOf, RequestOf, TencentAction } from '../action.js';
import type { Service } from '../endpoints.js';
import type { Clock } from './clock.js';
import type { AttemptCaller, AttemptOptions, TencentOutcome, TraceSpan } from './types.js';

/** One attempt, as logged: the README's "Logs" fields. */
export interface TencentCallRecord {
  reqId: string | undefined;
  operation: string | undefined;
  service: Service;
  action: string;
  /** Tencent's `RequestId`, when Tencent answered. */
  tencentRequestId: string | undefined;
  /** `OK`, Tencent's error code, or `upstream:<reason>`. */
  code: string;
  latencyMs: number;
  /** Time this attempt waited for the call budget. */
  queuedMs: number;
  /** 1 for a call's first attempt. */
  attempt: number;
  /** Why no Tencent answer came (upstream failures only; Tencent's own messages are not logged: they may quote the request). */
  error?: string;
  /** The caller's span (tracing only): the attempt's own span is recorded under it. Not a log field. */
  parent?: TraceSpan;
}

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

export class InstrumentedCaller implements AttemptCaller {
  constructor(
    private readonly inner: AttemptCaller,
    private readonly report: (record: TencentCallRecord) => void,
    private readonly clock: Clock,
  ) {}

  async call<A extends TencentAction>(
    action: A,
    request: RequestOf<A>,
    options?: AttemptOptions,
  ): Promise<TencentOutcome<ReplyOf<A>>> {
    const startedAt = this.clock.now();
    const outcome = await this.inner.call(action, request, options);
    const record: TencentCallRecord = {
      reqId: options?.requestId,
      operation: options?.operation,
      service: action.service,
      action: action.name,
      tencentRequestId: outcome.ok
        ? outcome.requestId
        : outcome.failure.kind === 'tencent'
          ? outcome.failure.requestId
          : undefined,
      code: outcomeCode(outcome),
      latencyMs: Math.round((this.clock.now() - startedAt) * 10) / 10,
      queuedMs: Math.round((options?.queuedMs ?? 0) * 10) / 10,
      attempt: options?.attempt ?? 1,
    };
    if (!outcome.ok && outcome.failure.kind === 'upstream') record.error = outcome.failure.message;
    if (options?.span) record.parent = options.span;
    this.report(record);
    return outcome;
  }
}
