import type { CallTrace, TencentCaller } from '../tencent/client.js';
import type { TencentLanguage } from '../tencent/language.js';
import type { Caller } from './caller.js';

export type { TencentCaller };

/** What sandbox mode lets a caller do to the emulator standing in for Tencent. */
export interface SandboxControls {
  /** Puts the demo records back as they were at start-up and drops scripted faults. */
  reset(): void;
}

/**
 * What one mutation came to, for the plugins that act on outcomes: the operation's log line (an audit trail of
 * who cancelled what, as which Tencent identity) and idempotency. Never personal data: identities are Tencent's
 * operator, organisation and application ids, and an auto-sign link is named by its `linkId`, not its person.
 */
export interface MutationOutcome {
  /** The result's `__typename`. */
  typename: string;
  /** The Tencent action the mutation calls, if it calls one. */
  action?: string | undefined;
  /** Which item of a batch mutation's list it is (from 0); absent for a single mutation. */
  item?: number | undefined;
  /** Tencent's `RequestId`, when Tencent answered. */
  tencentRequestId?: string | undefined;
  /** The Tencent identities the call was made as, once the input was valid (e.g. `operatorUserId`). */
  actingAs?: Readonly<Record<string, string>> | undefined;
  /** What it acted on (e.g. `qrCodeId`; an auto-sign link's `sceneKey` and `linkId`). */
  target?: Readonly<Record<string, string>> | undefined;
}

/** Values used when an input leaves them out. */
export interface RequestDefaults {
  essOperatorUserId?: string | undefined;
  essbasicAppId?: string | undefined;
}

export interface ResolverContext {
  tencent: TencentCaller;
  defaults: RequestDefaults;
  /**
   * The most Tencent calls one operation's mutations make together, a batch's items one each: as many as the call
   * budget can start within its longest wait (`maxBatchItems` in the configuration).
   */
  maxBatchItems: number;
  /** What this operation's mutations came to: every mutation resolver adds its own (a batch, one per item). */
  outcomes: MutationOutcome[];
  /** The authenticated caller; absent when caller authentication is off (sandbox). */
  caller?: Caller | undefined;
  /** The request's id and operation, passed to the Tencent caller for its log lines. */
  trace?: CallTrace | undefined;
  /** Aborted when the client has gone: a Tencent call not yet sent for it is then never sent. */
  signal?: AbortSignal | undefined;
  /** The language Tencent's messages should come in: the request's `Accept-Language`, else `TENCENT_LANGUAGE`. */
  language?: TencentLanguage | undefined;
  /** Present in sandbox mode only. */
  sandbox?: SandboxControls | undefined;
  /** Present when the request has an `Idempotency-Key`: see `MarkSent`. */
  markSent?: MarkSent | undefined;
}

/**
 * Marks one Tencent call of this operation "sent" in the request's idempotency record; give it as the call's
 * `beforeSend` (`() => markSent(call)`), so it is awaited just before the request is written, and if it fails the
 * call is not sent. `call` names the call within the operation and is the same on every repeat of the request:
 * the mutation's response key (`result`), and where a mutation makes one call per list item, that key and the
 * item's index (`results.3`). A repeat finding calls marked sent by a request that never finished (its replica
 * died) answers `IDEMPOTENCY_OUTCOME_UNKNOWN` naming them, and sends nothing again.
 */
export type MarkSent = (call: string) => Promise<void>;
