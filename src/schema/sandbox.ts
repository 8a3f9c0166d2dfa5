/** `resetSandbox`: the mutation that puts the sandbox's demo records back, refused outside sandbox mode. */
import { resetSandbox, type SandboxOnlyResult, type SandboxResetResult } from '../resolvers/sandbox.js';
import { builder } from './builder.js';
import { ErrorInterface } from './errors.js';
import { PREFIXED_ROOT_FIELD } from './type-prefix.js';

const SandboxResetSuccess = builder.objectRef<SandboxResetResult>('SandboxResetSuccess').implement({
  description: 'The emulator’s demo records are as they were at start-up, and no scripted fault is left.',
  fields: (t) => ({ message: t.exposeString('message', { description: 'What was restored, for people.' }) }),
});

const SandboxOnlyError = builder.objectRef<SandboxOnlyResult>('SandboxOnlyError').implement({
  description: 'The service is not in sandbox mode (it calls Tencent), so there is nothing to reset; nothing was done.',
  interfaces: [ErrorInterface],
});

const ResetSandboxResult = builder.unionType('ResetSandboxResult', {
  description: 'What `resetSandbox` came to: `SandboxResetSuccess` or `SandboxOnlyError`; switch on `__typename`.',
  types: [SandboxResetSuccess, SandboxOnlyError],
  resolveType: (value) => value.__typename,
});

builder.mutationField('resetSandbox', (t) =>
  t.field({
    type: ResetSandboxResult,
    description:
      'Sandbox mode only: restores the built-in emulator’s demo records (the demo QR code and enablement link can be cancelled again) without a restart. Any other mode answers `SandboxOnlyError` and changes nothing.',
    extensions: PREFIXED_ROOT_FIELD,
    resolve: (_root, _args, ctx) => resetSandbox(ctx),
  }),
);
