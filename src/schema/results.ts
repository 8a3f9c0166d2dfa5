/** Success types and result unions: one union per mutation, its members derived from the action. */
import type { InputObjectRef } from '@pothos/core';
import { type SuccessResult, tencentErrorTypesOf } from '../resolvers/results.js';
import type { ActionResolver } from '../resolvers/run.js';
import type { TencentAction } from '../tencent/action.js';
import { builder } from './builder.js';
import { LAYER_ERROR_TYPES, TencentErrorTypes } from './errors.js';

function successType<Typename extends string>(typename: Typename, description: string) {
  return builder.objectRef<SuccessResult<Typename>>(typename).implement({
    description,
    fields: (t) => ({
      requestId: t.exposeString('requestId', { description: 'Tencent’s `RequestId` for the call.' }),
    }),
  });
}

/**
 * The union of a mutation's success type, the Tencent error types its action
 * can answer (its documented codes plus Tencent's public ones) and the
 * layer's own errors.
 */
function resultUnion<Typename extends string>(
  name: string,
  action: TencentAction,
  success: ReturnType<typeof successType<Typename>>,
) {
  const tencentErrors = tencentErrorTypesOf(action).map((typename) => TencentErrorTypes.get(typename)!);
  return builder.unionType(name, {
    description: `What \`${action.name}\` can come to: \`${success.name}\` or one error type; switch on \`__typename\`.`,
    types: [success, ...tencentErrors, ...LAYER_ERROR_TYPES],
    resolveType: (value) => value.__typename,
  });
}

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export interface ActionMutationOptions<A extends TencentAction, Input> {
  action: A;
  description: string;
  input: InputObjectRef<Types, Input>;
  successDescription: string;
  resolve: ActionResolver<Input, `${A['name']}Success`>;
}

/**
 * Registers the mutation `field` for a Tencent action, with `<Action>Success`
 * and the `<Action>Result` union named after the action.
 */
export function actionMutation<A extends TencentAction, Input>(field: string, options: ActionMutationOptions<A, Input>): void {
  const { action } = options;
  const success = successType(`${action.name}Success` as `${A['name']}Success`, options.successDescription);
  const result = resultUnion(`${action.name}Result`, action, success);
  builder.mutationField(field, (t) =>
    t.field({
      type: result,
      description: options.description,
      args: {
        input: t.arg({
          type: options.input,
          required: true,
          description: 'The call’s parameters. Every rule stated on its fields is checked first; a broken one gives `ValidationError` and nothing is sent to Tencent.',
        }),
      },
      // Pothos cannot narrow the argument object of a generic input type; `input` is required above.
      resolve: (_root, args, ctx) => options.resolve((args as { input: Input }).input, ctx),
    }),
  );
}
