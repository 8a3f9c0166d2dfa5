import type { CallTrace, TencentCaller } from '../tencent/client.js';
import type { TencentLanguage } from '../tencent/language.js';
import type { Caller } from './caller.js';

export type { TencentCaller };

/** What sandbox mode lets a caller do to the emulator standing in for Tencent. */
export interface SandboxControls {
  /** Puts the demo records back as they were at start-up and drops scripted faults. */
  reset(): void;
}

/** Values used when an input leaves them out. */
export interface RequestDefaults {
  essOperatorUserId?: string | undefined;
  essbasicAppId?: string | undefined;
}

export interface ResolverContext {
  tencent: TencentCaller;
  defaults: RequestDefaults;
  /** The result types this operation produced: every mutation resolver adds its own. */
  outcomes: string[];
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
}
