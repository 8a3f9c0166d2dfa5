/** gql.tada typed against the layer's schema (`schema.graphql`, turned into `graphql-env.d.ts` by `npm run schema`). */
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

// Unmasked fragments: a result's type carries every field its fragments select, so one switch can read them.
export const graphql = initGraphQLTada<{ introspection: introspection; disableMasking: true }>();

export type { ResultOf, VariablesOf } from 'gql.tada';
