/** The graphql-yoga application: schema, context, GraphiQL and error masking. */
import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, maskError, type Plugin, type YogaLogger } from 'graphql-yoga';
import type { RequestDefaults, TencentCaller } from '../resolvers/context.js';
import type { GraphQLContext, ServiceMode } from '../schema/builder.js';
import { schema } from '../schema/index.js';
import { useCompiledExecution } from './compiled-execution.js';
import { cachedGraphiQLRenderer, EXAMPLE_OPERATIONS } from './graphiql.js';
import { DEFAULT_MAX_BODY_BYTES, useBodyLimit } from './protection/body-limit.js';

export interface AppOptions {
  tencent: TencentCaller;
  defaults: RequestDefaults;
  mode: ServiceMode;
  logger?: YogaLogger | boolean;
  plugins?: Plugin[];
}

export const GRAPHQL_PATH = '/graphql';

export function createApp(options: AppOptions) {
  const shared = { tencent: options.tencent, defaults: options.defaults, mode: options.mode };
  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: options.logger ?? true,
    context: (): GraphQLContext => ({ ...shared, outcomes: [] }),
    // useBodyLimit refuses large bodies by their length; yoga's own limit pipes every body through a stream
    // transform, which cost about a quarter of the CPU time per request (`npm run bench`).
    maxRequestBodySize: false,
    plugins: [useBodyLimit(DEFAULT_MAX_BODY_BYTES), useCompiledExecution(), ...(options.plugins ?? [])],
    graphiql: { title: 'Tencent e-sign GraphQL', defaultQuery: EXAMPLE_OPERATIONS },
    renderGraphiQL: cachedGraphiQLRenderer(),
    maskedErrors: {
      // Unexpected faults reach clients as a message with an id; the details go to the log under that id.
      maskError(error, message) {
        const masked = maskError(error, message, false) as GraphQLError;
        if (masked === error) return masked;
        const errorId = randomUUID();
        yoga.logger.error(`Unexpected error ${errorId}:`, error);
        return createGraphQLError(`${message} (error id ${errorId})`, {
          nodes: masked.nodes,
          source: masked.source,
          positions: masked.positions,
          path: masked.path,
          extensions: { ...masked.extensions, errorId },
        });
      },
    },
  });
  return yoga;
}
