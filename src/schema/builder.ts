import SchemaBuilder from '@pothos/core';
import type { ResolverContext } from '../resolvers/context.js';

/** Where the layer sends its calls: the built-in emulator or one of Tencent's environments. */
export type ServiceMode = 'SANDBOX' | 'TEST' | 'PRODUCTION';

export interface GraphQLContext extends ResolverContext {
  mode: ServiceMode;
}

// Output fields are non-null unless they say otherwise: every result carries what it promises.
export const builder = new SchemaBuilder<{ Context: GraphQLContext; DefaultFieldNullability: false }>({
  defaultFieldNullability: false,
});
