/** Success types and result unions: one union per mutation, its members derived from the action. */
import type { FieldMap, InputObjectRef, ObjectRef } from '@pothos/core';
import { type SuccessResult, tencentErrorTypesOf } from '../resolvers/results.js';
import type { ActionResolver, BatchResolver, BatchSuccessResult } from '../resolvers/run.js';
import type { TencentAction } from '../tencent/action.js';
import { builder } from './builder.js';
import { CallerNotAllowedError, LAYER_ERROR_TYPES, TencentErrorTypes, ValidationError } from './errors.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The fields a success type adds to `requestId`: what identifies the record the call acted on. */
type SuccessFields<Success> = (t: PothosSchemaTypes.ObjectFieldBuilder<Types, Success>) => FieldMap;

function successType<Success extends SuccessResult<string>>(
  typename: Success['__typename'],
  description: string,
  fields: SuccessFields<Success>,
) {
  return builder.objectRef<Success>(typename).implement({
    description,
    fields: (t) => ({
      requestId: t.string({
        description: 'Tencent’s `RequestId` for the call.',
        resolve: (result) => result.requestId,
      }),
      ...fields(t),
    }),
  });
}

/**
 * The union of a mutation's success type, the Tencent error types its action
 * can answer (its documented codes plus Tencent's public ones) and the
 * layer's own errors.
 */
function resultUnion(name: string, action: TencentAction, success: ObjectRef<Types, SuccessResult<string>>) {
  const tencentErrors = tencentErrorTypesOf(action).map((typename) => TencentErrorTypes.get(typename)!);
  return builder.unionType(name, {
    description: `What \`${action.name}\` can come to: \`${success.name}\` or one error type; switch on \`__typename\`.`,
    types: [success, ...tencentErrors, ...LAYER_ERROR_TYPES],
    resolveType: (value) => value.__typename,
  });
}

export interface ActionMutationOptions<
  A extends TencentAction,
  Input,
  Success extends SuccessResult<`${A['name']}Success`>,
> {
  action: A;
  description: string;
  input: InputObjectRef<Types, Input>;
  successDescription: string;
  successFields: SuccessFields<Success>;
  resolve: ActionResolver<Input, Success>;
}

type ResultUnion = ReturnType<typeof resultUnion>;

/**
 * Registers the mutation `field` for a Tencent action, with `<Action>Success`
 * and the `<Action>Result` union named after the action; answers the union, for its batch form.
 */
export function actionMutation<A extends TencentAction, Input, Success extends SuccessResult<`${A['name']}Success`>>(
  field: string,
  options: ActionMutationOptions<A, Input, Success>,
): ResultUnion {
  const { action } = options;
  const typename = `${action.name}Success` as Success['__typename'];
  const success = successType<Success>(typename, options.successDescription, options.successFields);
  const result = resultUnion(`${action.name}Result`, action, success);
  const resolve: ActionResolver<Input, SuccessResult<string>> = options.resolve;
  builder.mutationField(field, (t) =>
    t.field({
      type: result,
      description: options.description,
      args: {
        input: t.arg({
          type: options.input,
          required: true,
          description:
            'The call’s parameters. Every rule stated on its fields is checked first; a broken one gives `ValidationError` and nothing is sent to Tencent.',
        }),
      },
      // Pothos cannot narrow the argument object of a generic input type; `input` is required above.
      // The response key names the call in the request's idempotency record: an alias, else the field's name.
      resolve: (_root, args, ctx, info) => resolve((args as { input: Input }).input, ctx, String(info.path.key)),
    }),
  );
  return result;
}

export interface BatchMutationOptions<Input, Typename extends string> {
  /** The single mutation's action, whose name the batch's types take with an `s`. */
  action: TencentAction;
  description: string;
  input: InputObjectRef<Types, Input>;
  /** The single mutation's result union: each item's result is one of its members. */
  itemResult: ResultUnion;
  resolve: BatchResolver<Input, Typename, SuccessResult<string>>;
}

/**
 * Registers the batch form `field` of an action's mutation: `<Action>sSuccess` (one item result per item, in
 * order) in the union `<Action>sResult` with the errors that refuse a batch as a whole.
 */
export function batchMutation<Input, Typename extends string>(
  field: string,
  options: BatchMutationOptions<Input, Typename>,
): void {
  const { action, itemResult } = options;
  const success = builder
    .objectRef<BatchSuccessResult<Typename, SuccessResult<string>>>(`${action.name}sSuccess`)
    .implement({
      description: `The batch ran: one \`${itemResult.name}\` per item of the input's list, in its order.`,
      fields: (t) => ({
        results: t.field({
          type: [itemResult],
          description:
            'Each item’s result, in the order of the input’s list: switch on each one’s `__typename` as for the single mutation.',
          resolve: (batch) => batch.results,
        }),
      }),
    });
  const result = builder.unionType(`${action.name}sResult`, {
    description: `What a batch of \`${action.name}\` calls can come to: \`${action.name}sSuccess\`, which holds each item’s own result, or an error that refused the whole batch before anything was sent; switch on \`__typename\`.`,
    types: [success, ValidationError, CallerNotAllowedError],
    resolveType: (value) => value.__typename,
  });
  builder.mutationField(field, (t) =>
    t.field({
      type: result,
      description: options.description,
      args: {
        input: t.arg({
          type: options.input,
          required: true,
          description:
            'The batch’s parameters. A broken rule of the list or of what the items share gives `ValidationError` for the whole batch; an item’s own broken rule gives that item `ValidationError`, and the others go ahead.',
        }),
      },
      // As in actionMutation: Pothos cannot narrow the argument object of a generic input type.
      resolve: (_root, args, ctx, info) =>
        options.resolve((args as { input: Input }).input, ctx, String(info.path.key)),
    }),
  );
}
