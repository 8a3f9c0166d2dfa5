/** Success types and result unions: one union per mutation, its members derived from the action. */
import { type SuccessResult, tencentErrorTypesOf } from '../resolvers/results.js';
import type { TencentAction } from '../tencent/action.js';
import { builder } from './builder.js';
import { LAYER_ERROR_TYPES, TencentErrorTypes } from './errors.js';

export function successType<Typename extends string>(typename: Typename, description: string) {
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
export function resultUnion<Typename extends string>(
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
