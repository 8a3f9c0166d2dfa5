/** Success types and result unions: one union per mutation, its members derived from the action. */
import type { FieldMap, InputObjectRef, ObjectRef } from '@pothos/core';
import { type SuccessResult, tencentErrorTypesOf } from '../resolvers/results.js';
import type { ActionResolver } from '../resolvers/run.js';
import type { TencentAction } from '../tencent/action.js';
import { builder } from './builder.js';
import { LAYER_ERROR_TYPES, TencentErrorTypes } from './errors.js';

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

/**
 * Registers the mutation `field` for a Tencent action, with `<Action>Success`
 * and the `<Action>Result` union named after the action.
 */
export function actionMutation<A extends TencentAction, Input, Success extends SuccessResult<`${A['name']}Success`>>(
  field: string,
  options: ActionMutationOptions<A, Input, Success>,
): void {
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
}
