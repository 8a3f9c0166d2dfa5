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
  }),
});

builder.mutationType({ description: 'Tencent e-sign operations; each returns a result union.' });

export const schema = builder.toSchema({ sortSchema: false });
