/** Assembles the schema: every module below registers its types on the builder. */
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import { ServiceModeEnum } from './enums.js';
import './ess.js';
import './essbasic.js';
import './sandbox.js';
import { PREFIXED_ROOT_FIELD } from './type-prefix.js';

builder.queryType({
  description: 'Read-only information about this service.',
  fields: (t) => ({
    mode: t.field({
      type: ServiceModeEnum,
      description: 'Where mutations are sent: the sandbox emulator, Tencent’s test environment or production.',
      extensions: PREFIXED_ROOT_FIELD,
      resolve: (_root, _args, ctx) => ctx.mode,
    }),
    maxBatchItems: t.int({
      extensions: PREFIXED_ROOT_FIELD,
      description:
        'The most items a batch mutation (e.g. `channelCancelMultiFlowSignQRCodes`) takes, and the most Tencent calls one operation makes: as many as the call budget can start within its longest wait. Split longer lists into batches of this size.',
      resolve: (_root, _args, ctx) => ctx.maxBatchItems,
    }),
  }),
});

builder.mutationType({ description: 'Tencent e-sign operations; each returns a result union.' });

/** The service's own schema, as `schema.graphql` prints it. */
export const schema = builder.toSchema({ sortSchema: false });

/** The Apollo Federation version the subgraph links to. */
export const FEDERATION_LINK_URL = 'https://specs.apollo.dev/federation/v2.6';

export interface EsignSchemaOptions {
  /**
   * Prefixes every named type but the root types, and the service's own root fields (`mode`, `resetSandbox`), so
   * they sit beside a shared schema's: `Esign` gives `EsignError`, `EsignValidationError`, `Query.esignMode`.
   */
  typePrefix?: string | undefined;
  /** An Apollo Federation v2 subgraph: `_service { sdl }` and the `@link` to federation. */
  federation?: boolean | undefined;
}

/** The schema built with `options`; without any, the service's own {@link schema}. */
export function createEsignSchema(options: EsignSchemaOptions = {}): GraphQLSchema {
  const { typePrefix, federation } = options;
  if (federation)
    return builder.toSubGraphSchema({ typePrefix, linkUrl: FEDERATION_LINK_URL, federationDirectives: [] });
  return typePrefix ? builder.toSchema({ typePrefix, sortSchema: false }) : schema;
}
