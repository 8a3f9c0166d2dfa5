/**
 * What every link of the Tencent caller chain shares: a call's outcome, the
 * options a caller gives, and the per-attempt options the chain gives the
 * client. Kept apart from the client and the chain so neither imports the other.
 */
import type { ReplyOf, RequestOf, TencentAction } from '../action.js';

/** Why a call produced no Tencent answer. */
export type UpstreamReason =
  | 'network'
  | 'timeout'
  | 'http-status'
  | 'bad-reply'
  | 'circuit-open'
  /** The caller went away before the request was written; it was not sent. */
  | 'cancelled'
  /** The layer is shutting down. */
  | 'shutdown'
  /** No credentials were valid to sign with; it was not sent. */
  | 'credentials';

export type TencentFailure =
  | { kind: 'tencent'; code: string; message: string; requestId: string }
  /** `outcomeUnknown`: the request may have reached Tencent and taken effect. */
  | { kind: 'upstream'; reason: UpstreamReason; message: string; outcomeUnknown: boolean }
  /** Not sent: the call budget for the action had no slot for it in time (or cannot be checked). */
  | { kind: 'rate-limited'; message: string; retryAfterSeconds: number };

export type TencentOutcome<T> = { ok: true; requestId: string; reply: T } | { ok: false; failure: TencentFailure };

/** Tencent's limit refused the call (`RequestLimitExceeded` and its sub-codes): nothing was done. */
export function isRequestLimitExceeded(code: string): boolean {
  return code.startsWith('RequestLimitExceeded');
}

/** A W3C trace context span (lowercase hex ids): the caller's, under which a call's own span is recorded. */
export interface TraceSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

/** The request a call is made for, as the log lines and traces name it. */
export interface CallTrace {
  readonly requestId: string;
  readonly operation?: string | undefined;
  /** Present only while tracing is on. */
  readonly span?: TraceSpan | undefined;
}

/** Sent as `X-TC-Language`: the language of Tencent's messages. */
export type { TencentLanguage as Language } from '../language.js';
import type { TencentLanguage as Language } from '../language.js';

/**
 * What a caller says about one call. Flat, with the trace's fields at the top,
 * so one object per GraphQL request carries it all and a bare `CallTrace` is
 * already a valid set of options.
 */
export interface CallOptions {
  readonly requestId?: string | undefined;
  readonly operation?: string | undefined;
  readonly span?: TraceSpan | undefined;
  /** Whose share of the call budget this is (a tenant, an API key); absent: one shared `anonymous` caller. */
  readonly callerId?: string | undefined;
  /** Aborted when the caller has gone: a call not yet written is then never sent. */
  readonly signal?: AbortSignal | undefined;
  readonly language?: Language | undefined;
  /**
   * Awaited once, just before the request is first handed to the transport (an idempotency record's
   * "sent" marker). If it rejects, nothing is sent and the call answers not sent.
   */
  readonly beforeSend?: (() => Promise<void>) | undefined;
}

/** Anything that performs a Tencent call: the chain, or the client itself. */
export interface TencentCaller {
  call<A extends TencentAction>(
    action: A,
    request: RequestOf<A>,
    options?: CallOptions,
  ): Promise<TencentOutcome<ReplyOf<A>>>;
}

/** Why the chain stops an attempt. */
export type AbortReason = 'timeout' | 'cancelled' | 'shutdown';

/** One attempt as the client runs it, handed to the chain so it can stop it. */
export interface AttemptHandle {
  /** Whether the request has been written to the connection (and so may have taken effect). */
  readonly written: boolean;
  /** Ends the attempt now: answered not sent if nothing was written, outcome unknown otherwise. */
  abort(reason: AbortReason): void;
}

/** Where the client tells the chain about a running attempt. */
export interface AttemptControl {
  /** The attempt now running, then `undefined` once it has its outcome. */
  running(handle: AttemptHandle | undefined): void;
  /** The attempt's request has just been written to the connection (called synchronously from the write). */
  written(): void;
}

/** Options of one attempt: what the client needs, and what the instrumentation logs. */
export interface AttemptOptions {
  readonly requestId?: string | undefined;
  readonly operation?: string | undefined;
  readonly span?: TraceSpan | undefined;
  readonly language?: Language | undefined;
  /** Time left until the call's deadline, pool wait included; default: the client's `timeoutMs`. */
  readonly timeoutMs?: number | undefined;
  /** Told of the attempt when it starts (and `undefined` once it has finished). */
  readonly control?: AttemptControl | undefined;
  /** 1 for the first attempt of a call. */
  readonly attempt?: number | undefined;
  /** Time this attempt waited for the call budget. */
  readonly queuedMs?: number | undefined;
}

/** The client's side of the chain: one attempt per call. */
export interface AttemptCaller {
  call<A extends TencentAction>(
    action: A,
    request: RequestOf<A>,
    options?: AttemptOptions,
  ): Promise<TencentOutcome<ReplyOf<A>>>;
}
