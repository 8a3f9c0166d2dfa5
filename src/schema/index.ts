/** Assembles the schema: every module below registers its types on the builder. */
import { builder } from './builder.js';
import { ServiceModeEnum } from './enums.js';
import './ess.js';
import './essbasic.js';
import './sandbox.js';

builder.queryType({
  description: 'Read-only information about this service.',
  fields: (t) => ({
    mode: t.field({
      type: ServiceModeEnum,
      description: 'Where mutations are sent: the sandbox emulator, Tencent’s test environment or production.',
      resolve: (_root, _args, ctx) => ctx.mode,
    }),
    maxBatchItems: t.int({
      description:
        'The most items a batch mutation (e.g. `channelCancelMultiFlowSignQRCodes`) takes, and the most Tencent calls one operation makes: as many as the call budget can start within its longest wait. Split longer lists into batches of this size.',
      resolve: (_root, _args, ctx) => ctx.maxBatchItems,
    }),
  }),
});

builder.mutationType({ description: 'Tencent e-sign operations; each returns a result union.' });

export const schema = builder.toSchema({ sortSchema: false });
