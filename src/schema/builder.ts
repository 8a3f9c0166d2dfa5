import SchemaBuilder from '@pothos/core';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import type { ResolverContext } from '../resolvers/context.js';
import './type-prefix.js';

/** Where the layer sends its calls: the built-in emulator or one of Tencent's environments. */
export type ServiceMode = 'SANDBOX' | 'TEST' | 'PRODUCTION';

export interface GraphQLContext extends ResolverContext {
  mode: ServiceMode;
}

// Output fields are non-null unless they say otherwise: every result carries what it promises.
// Federation only acts in `toSubGraphSchema`; the prefix only when a build asks for one (`typePrefix`).
export const builder = new SchemaBuilder<{ Context: GraphQLContext; DefaultFieldNullability: false }>({
  plugins: [DirectivePlugin, FederationPlugin, 'typePrefix'],
  defaultFieldNullability: false,
});
