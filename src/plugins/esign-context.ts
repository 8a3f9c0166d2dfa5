/**
 * The resolver context the e-sign mutations need, for a yoga server that mounts the schema (`createEsignSchema`)
 * beside its own: the Tencent caller, the caller identity the host authenticated, and the request's signal and
 * language. The service itself builds the same context in server/app.ts, from its configuration.
 */
import type { Plugin } from 'graphql-yoga';
import { DEFAULT_MAX_BATCH_ITEMS } from '../config/index.js';
import type { Caller } from '../resolvers/caller.js';
import type { RequestDefaults, TencentCaller } from '../resolvers/context.js';
import type { GraphQLContext, ServiceMode } from '../schema/builder.js';
import { languageFor, type TencentLanguage } from '../tencent/language.js';

export interface EsignContextOptions {
  /** Where the mutations' calls go: a `TencentClient`, or the caller chain around it (`esign-graphql/tencent`). */
  tencent: TencentCaller;
  /**
   * Who is calling, from the host's own authentication. A caller's identity binds the Tencent operator and
   * organisation a call acts as (an input naming another is `CallerNotAllowedError`). `undefined` binds none: the
   * request may act as anyone, so leave it out only where the host decides that elsewhere.
   */
  caller?: ((request: Request) => Caller | undefined | Promise<Caller | undefined>) | undefined;
  /** Values an input may leave out (TENCENT_ESS_OPERATOR_USER_ID and TENCENT_ESSBASIC_APP_ID in the service). */
  defaults?: RequestDefaults | undefined;
  /** What `mode` answers; `PRODUCTION` unless said. */
  mode?: ServiceMode | undefined;
  /**
   * The most Tencent calls one operation makes (a batch's items one each): what `tencent`'s budget starts within
   * its longest wait. Unless said, the service's figure at its default budget (98: 20 calls/s, 5,000 ms wait).
   */
  maxBatchItems?: number | undefined;
  /** The language of Tencent's messages when a request's `Accept-Language` asks for neither. */
  language?: TencentLanguage | undefined;
}

export function useEsignContext(options: EsignContextOptions): Plugin<GraphQLContext> {
  const {
    tencent,
    caller,
    defaults = {},
    mode = 'PRODUCTION',
    language,
    maxBatchItems = DEFAULT_MAX_BATCH_ITEMS,
  } = options;
  return {
    async onContextBuilding({ context, extendContext }) {
      const { request } = context;
      extendContext({
        tencent,
        defaults,
        mode,
        maxBatchItems,
        outcomes: [],
        caller: await caller?.(request),
        signal: request.signal,
        language: languageFor(request.headers.get('accept-language')) ?? language,
      });
    },
  };
}
