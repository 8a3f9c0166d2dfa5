/**
 * `esign-graphql`: the e-sign mutations for a team's own GraphQL server. `createEsignSchema` builds the schema
 * (optionally prefixed, optionally a federation subgraph); `useEsignContext` is the yoga plugin that gives its
 * resolvers their context. The Tencent client on its own is `esign-graphql/tencent`.
 */
export { type EsignContextOptions, useEsignContext } from './plugins/esign-context.js';
export type { Caller, CallerIdentity } from './resolvers/caller.js';
export type { RequestDefaults, TencentCaller } from './resolvers/context.js';
export type { GraphQLContext as EsignContext, ServiceMode } from './schema/builder.js';
export { createEsignSchema, type EsignSchemaOptions, FEDERATION_LINK_URL } from './schema/index.js';
