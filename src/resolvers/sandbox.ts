/** `resetSandbox`: the demo records back without a restart, in sandbox mode only. */
import type { ResolverContext } from './context.js';

export interface SandboxResetResult {
  __typename: 'SandboxResetSuccess';
  message: string;
}

export interface SandboxOnlyResult {
  __typename: 'SandboxOnlyError';
  message: string;
}

const RESET =
  'The demo records are back as at start-up: the demo QR code and 小明’s enablement link can be cancelled once more.';

const REFUSED = 'This service talks to Tencent, not to the sandbox emulator: there are no demo records to reset.';

function reset(ctx: ResolverContext): SandboxResetResult | SandboxOnlyResult {
  if (!ctx.sandbox) return { __typename: 'SandboxOnlyError', message: REFUSED };
  ctx.sandbox.reset();
  return { __typename: 'SandboxResetSuccess', message: RESET };
}

export function resetSandbox(ctx: ResolverContext): SandboxResetResult | SandboxOnlyResult {
  const result = reset(ctx);
  ctx.outcomes.push({ typename: result.__typename });
  return result;
}
