import type { ReplyOf, RequestOf, TencentAction } from '../tencent/action.js';
import type { TencentOutcome } from '../tencent/client.js';

/** Anything that performs a Tencent call: the client itself, or a wrapper around it. */
export interface TencentCaller {
  call<A extends TencentAction>(action: A, request: RequestOf<A>): Promise<TencentOutcome<ReplyOf<A>>>;
}

/** Values used when an input leaves them out. */
export interface RequestDefaults {
  essOperatorUserId?: string | undefined;
  essbasicAppId?: string | undefined;
}

export interface ResolverContext {
  tencent: TencentCaller;
  defaults: RequestDefaults;
}
