/** The shape every mutation resolver shares: validate → call Tencent → result or error member. */
import type { z } from 'zod';
import type { RequestOf, TencentAction } from '../tencent/action.js';
import { bindToCaller, type IdentityBinding } from './caller.js';
import type { MutationOutcome, RequestDefaults, ResolverContext } from './context.js';
import { type ErrorResult, failureMapper, type SuccessResult, validationResult } from './results.js';

export interface ActionResolverOptions<A extends TencentAction, Input, Success extends SuccessResult<string>> {
  action: A;
  /** Checks the GraphQL input against the documented rules and turns it into the wire request. */
  input: z.ZodType<RequestOf<A>>;
  /** Fills what the input may leave to configuration, before validation. */
  withDefaults: (input: Input, defaults: RequestDefaults) => unknown;
  /** The input fields that carry a Tencent identity, bound to an authenticated caller's. */
  callerBindings: readonly IdentityBinding[];
  /** The success result: Tencent's request id and what identifies the record the call cancelled. */
  success: (request: RequestOf<A>, requestId: string) => Success;
  /** For the audit trail: the Tencent identities a valid request acts as, and what it acts on (no personal data). */
  audit: (request: RequestOf<A>) => Pick<MutationOutcome, 'actingAs' | 'target'>;
}

/** `call` names this Tencent call within the operation, for its idempotency record (`MarkSent`). */
export type ActionResolver<Input, Success> = (
  input: Input,
  ctx: ResolverContext,
  call: string,
) => Promise<Success | ErrorResult>;

export function actionResolver<A extends TencentAction, Input, Success extends SuccessResult<string>>(
  options: ActionResolverOptions<A, Input, Success>,
): ActionResolver<Input, Success> {
  const { action, input: schema, withDefaults, callerBindings, success, audit } = options;
  const toError = failureMapper(action);
  return async (given, ctx, call) => {
    const outcome: MutationOutcome = { typename: '', action: action.name };
    const result = await resolve(given, ctx, call, outcome);
    outcome.typename = result.__typename;
    ctx.outcomes.push(outcome);
    return result;
  };

  async function resolve(
    given: Input,
    ctx: ResolverContext,
    call: string,
    outcome: MutationOutcome,
  ): Promise<Success | ErrorResult> {
    const bound = ctx.caller ? bindToCaller(given, ctx.caller, callerBindings) : { ok: true as const, input: given };
    if (!bound.ok) return bound.error;
    const parsed = schema.safeParse(withDefaults(bound.input, ctx.defaults));
    if (!parsed.success) return validationResult(parsed.error, 'input');
    Object.assign(outcome, audit(parsed.data));
    const { markSent } = ctx;
    const called = await ctx.tencent.call(action, parsed.data, {
      requestId: ctx.trace?.requestId,
      operation: ctx.trace?.operation,
      span: ctx.trace?.span,
      // Tencent's budget is shared fairly between callers: one caller's burst waits behind the others' turns.
      callerId: ctx.caller?.id,
      signal: ctx.signal,
      language: ctx.language,
      beforeSend: markSent && (() => markSent(call)),
    });
    if (called.ok) {
      outcome.tencentRequestId = called.requestId;
      return success(parsed.data, called.requestId);
    }
    if (called.failure.kind === 'tencent') outcome.tencentRequestId = called.failure.requestId;
    return toError(called.failure);
  }
}
