/**
 * Test helper: an `AttemptCaller` in place of the HTTP client, whose attempts
 * the test answers, writes or leaves hanging, so the chain's deadlines,
 * retries, breaker and shutdown run on a fake clock. It honours the client's
 * contract: an attempt stopped before it is written answers not sent, after
 * that outcome unknown.
 */
import type { TencentAction } from '../../src/tencent/action.js';
import type {
  AbortReason,
  AttemptCaller,
  AttemptHandle,
  AttemptOptions,
  TencentOutcome,
} from '../../src/tencent/caller/types.js';
import type { FakeClock } from './fake-clock.js';

export class ScriptedAttempt implements AttemptHandle {
  written = false;
  outcome: TencentOutcome<unknown> | undefined;
  private readonly timer: unknown;

  constructor(
    readonly action: string,
    readonly options: AttemptOptions,
    /** Clock time the attempt started. */
    readonly startedAt: number,
    private readonly clock: FakeClock,
    private readonly resolve: (outcome: TencentOutcome<unknown>) => void,
  ) {
    this.timer = clock.setTimeout(() => this.abort('timeout'), options.timeoutMs ?? 10_000);
  }

  /** The request reaches "Tencent". */
  write(): void {
    this.written = true;
    this.options.control?.written();
  }

  answer(outcome: TencentOutcome<unknown>): void {
    if (this.outcome) return;
    this.outcome = outcome;
    this.clock.clearTimeout(this.timer);
    this.options.control?.running(undefined);
    this.resolve(outcome);
  }

  abort(reason: AbortReason): void {
    this.answer({
      ok: false,
      failure: { kind: 'upstream', reason, message: `aborted: ${reason}`, outcomeUnknown: this.written },
    });
  }
}

export const OK: TencentOutcome<unknown> = { ok: true, requestId: 'req-ok', reply: {} };
export const tencentError = (code: string): TencentOutcome<unknown> => ({
  ok: false,
  failure: { kind: 'tencent', code, message: code, requestId: 'req-error' },
});
export const refusedConnection: TencentOutcome<unknown> = {
  ok: false,
  failure: { kind: 'upstream', reason: 'network', message: 'ECONNREFUSED', outcomeUnknown: false },
};

export class ScriptedAttempts implements AttemptCaller {
  readonly attempts: ScriptedAttempt[] = [];
  /** Answers each attempt as it starts, if set; otherwise the test answers it. */
  respond: ((attempt: ScriptedAttempt) => void) | undefined;

  constructor(private readonly clock: FakeClock) {}

  /** Attempts that were written, i.e. reached "Tencent". */
  get written(): ScriptedAttempt[] {
    return this.attempts.filter((attempt) => attempt.written);
  }

  call<A extends TencentAction>(
    action: A,
    _request: unknown,
    options: AttemptOptions = {},
  ): Promise<TencentOutcome<never>> {
    return new Promise((resolve) => {
      // The chain reuses one options object per call: keep what this attempt was given.
      const given = { ...options };
      const attempt = new ScriptedAttempt(action.name, given, this.clock.now(), this.clock, (outcome) =>
        resolve(outcome as TencentOutcome<never>),
      );
      this.attempts.push(attempt);
      options.control?.running(attempt);
      this.respond?.(attempt);
    });
  }
}
