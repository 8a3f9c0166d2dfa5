/**
 * The shape every mutation resolver shares: validate → call Tencent → result or error member. A batch mutation
 * takes the same path once per item, concurrently, after checking what its items share once.
 */
import type { z } from 'zod';
import type { RequestOf, TencentAction } from '../tencent/action.js';
import { bindToCaller, type CallerNotAllowedResult, type IdentityBinding } from './caller.js';
import type { MutationOutcome, RequestDefaults, ResolverContext } from './context.js';
import {
  type ErrorResult,
  failureMapper,
  type SuccessResult,
  type ValidationIssueResult,
  type ValidationResult,
  validationResult,
} from './results.js';

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

/** The steps of one call, shared by the single mutation and each item of a batch. */
interface ActionSteps<A extends TencentAction, Input, Success> {
  /** Binds the identity fields of the input (or of a batch's, which holds them at the same paths) to the caller. */
  bind<T>(given: T, ctx: ResolverContext): { ok: true; input: T } | { ok: false; error: CallerNotAllowedResult };
  parse(input: Input, ctx: ResolverContext): z.ZodSafeParseResult<RequestOf<A>>;
  /**
   * Calls Tencent for one valid request; `call` names it in the operation's idempotency record, `outcome` gets its
   * audit fields and Tencent's RequestId.
   */
  perform(
    request: RequestOf<A>,
    ctx: ResolverContext,
    call: string,
    outcome: MutationOutcome,
  ): Promise<Success | ErrorResult>;
}

function actionSteps<A extends TencentAction, Input, Success extends SuccessResult<string>>(
  options: ActionResolverOptions<A, Input, Success>,
): ActionSteps<A, Input, Success> {
  const { action, input: schema, withDefaults, callerBindings, success, audit } = options;
  const toError = failureMapper(action);
  return {
    bind: (given, ctx) => (ctx.caller ? bindToCaller(given, ctx.caller, callerBindings) : { ok: true, input: given }),
    parse: (input, ctx) => schema.safeParse(withDefaults(input, ctx.defaults)),
    // The one place every call of an action leaves from; `outcome.item` says which item of a batch it is.
    async perform(request, ctx, call, outcome) {
      Object.assign(outcome, audit(request));
      const { markSent } = ctx;
      const called = await ctx.tencent.call(action, request, {
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
        return success(request, called.requestId);
      }
      if (called.failure.kind === 'tencent') outcome.tencentRequestId = called.failure.requestId;
      return toError(called.failure);
    },
  };
}

export function actionResolver<A extends TencentAction, Input, Success extends SuccessResult<string>>(
  options: ActionResolverOptions<A, Input, Success>,
): ActionResolver<Input, Success> {
  const steps = actionSteps(options);
  return async (given, ctx, call) => {
    const outcome: MutationOutcome = { typename: '', action: options.action.name };
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
    const bound = steps.bind(given, ctx);
    if (!bound.ok) return bound.error;
    const parsed = steps.parse(bound.input, ctx);
    if (!parsed.success) return validationResult(parsed.error, 'input');
    return steps.perform(parsed.data, ctx, call, outcome);
  }
}

/** What a batch came to when it ran: one result per item, in the items' order. */
export interface BatchSuccessResult<Typename extends string, Success> {
  __typename: Typename;
  results: (Success | ErrorResult)[];
}

/** A batch refused as a whole, before any item was sent. */
export type BatchErrorResult = ValidationResult | CallerNotAllowedResult;

/** `call` names the batch's field; each item's call is named `<call>.<index>`. */
export type BatchResolver<BatchInput, Typename extends string, Success> = (
  input: BatchInput,
  ctx: ResolverContext,
  call: string,
) => Promise<BatchSuccessResult<Typename, Success> | BatchErrorResult>;

export interface BatchOptions<BatchInput, Input, Item, Typename extends string> {
  typename: Typename;
  /** The batch input's list field and the single input's field each item fills, for issue paths. */
  listField: string;
  itemField: string;
  items: (input: BatchInput) => readonly Item[];
  /** The single mutation's input for one item: what the batch shares, with that item. */
  itemInput: (input: BatchInput, item: Item) => Input;
  /** What makes two items the same: a batch naming one twice is refused. */
  itemKey: (item: Item) => string;
}

const refusedBatch = (issues: ValidationIssueResult[]): ValidationResult => ({
  __typename: 'ValidationError',
  message: `The batch breaks ${issues.length === 1 ? 'a rule' : `${issues.length} rules`}; nothing was sent to Tencent.`,
  issues,
});

/**
 * The batch form of an action's mutation: one caller binding and one check of what the items share, then each item
 * down the single mutation's path, all at once, through the same Tencent caller (budget, fair share, retries,
 * breaker). Each item records its own outcome. An operation's batches and mutations together make at most
 * `ctx.maxBatchItems` calls, so aliasing a batch does not multiply what one document may send.
 */
export function batchResolver<
  A extends TencentAction,
  BatchInput,
  Input,
  Item,
  Success extends SuccessResult<string>,
  Typename extends string,
>(
  options: ActionResolverOptions<A, Input, Success>,
  batch: BatchOptions<BatchInput, Input, Item, Typename>,
): BatchResolver<BatchInput, Typename, Success> {
  const steps = actionSteps(options);
  const { action } = options;
  const itemPrefix = ['input', batch.itemField].join('\u0000');

  return async (given, ctx, call) => {
    const refused = refusal(given, ctx);
    if (refused) {
      ctx.outcomes.push({ typename: refused.__typename, action: action.name });
      return refused;
    }
    const bound = steps.bind(given, ctx);
    if (!bound.ok) {
      ctx.outcomes.push({ typename: bound.error.__typename, action: action.name });
      return bound.error;
    }
    const parsed = batch.items(bound.input).map((item) => steps.parse(batch.itemInput(bound.input, item), ctx));
    const shared = sharedIssues(parsed);
    if (shared.length > 0) {
      ctx.outcomes.push({ typename: 'ValidationError', action: action.name });
      return refusedBatch(shared);
    }
    const outcomes = parsed.map((_, item): MutationOutcome => ({ typename: '', action: action.name, item }));
    const results = await Promise.all(
      parsed.map((one, item) =>
        one.success ? steps.perform(one.data, ctx, `${call}.${item}`, outcomes[item]!) : itemRefusal(one.error, item),
      ),
    );
    results.forEach((result, item) => {
      outcomes[item]!.typename = result.__typename;
    });
    ctx.outcomes.push(...outcomes);
    return { __typename: batch.typename, results };
  };

  /** What is wrong with the list itself: empty, too long for the budget, or naming an item twice. */
  function refusal(given: BatchInput, ctx: ResolverContext): ValidationResult | undefined {
    const items = batch.items(given);
    const list = ['input', batch.listField];
    const room = ctx.maxBatchItems - ctx.outcomes.length;
    if (items.length === 0) return refusedBatch([{ path: list, message: 'must name at least one item' }]);
    if (items.length > room) {
      const message =
        room === ctx.maxBatchItems
          ? `must name at most ${ctx.maxBatchItems} items`
          : `must name at most ${room} items: one operation makes at most ${ctx.maxBatchItems} calls, and its earlier fields made ${ctx.outcomes.length}`;
      return refusedBatch([{ path: list, message }]);
    }
    const first = new Map<string, number>();
    const issues: ValidationIssueResult[] = [];
    items.forEach((item, index) => {
      const key = batch.itemKey(item);
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, index);
      else issues.push({ path: [...list, String(index)], message: `repeats item ${earlier}` });
    });
    return issues.length > 0 ? refusedBatch(issues) : undefined;
  }

  /** The issues not about an item's own field: the same for every item, so reported once, for the batch. */
  function sharedIssues(parsed: readonly z.ZodSafeParseResult<unknown>[]): ValidationIssueResult[] {
    for (const one of parsed) {
      const issues = one.success ? [] : validationResult(one.error, 'input').issues.filter(isShared);
      if (issues.length > 0) return issues;
    }
    return [];
  }

  function isShared(issue: ValidationIssueResult): boolean {
    return issue.path.slice(0, 2).join('\u0000') !== itemPrefix;
  }

  /** An item's own broken rules, with paths pointing at it in the list. */
  function itemRefusal(error: z.ZodError, item: number): ValidationResult {
    const single = validationResult(error, 'input');
    return {
      ...single,
      issues: single.issues.map(({ path, message }) => ({
        path: ['input', batch.listField, String(item), ...path.slice(2)],
        message,
      })),
    };
  }
}
