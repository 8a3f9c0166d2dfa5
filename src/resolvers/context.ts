import type { TencentCaller } from '../tencent/client.js';

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
}
