import type { CallTrace, TencentCaller } from '../tencent/client.js';
import type { Caller } from './caller.js';

export type { TencentCaller };

/** Values used when an input leaves them out. */
export interface RequestDefaults {
  essOperatorUserId?: string | undefined;
  essbasicAppId?: string | undefined;
}

export interface ResolverContext {
  tencent: TencentCaller;
  defaults: RequestDefaults;
  /** The result types this request produced, for plugins that act on outcomes (idempotency). */
  outcomes?: string[];
  /** The authenticated caller; absent when caller authentication is off (sandbox). */
  caller?: Caller | undefined;
  /** The request's id and operation, passed to the Tencent caller for its log lines. */
  trace?: CallTrace | undefined;
}
