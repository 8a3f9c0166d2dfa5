/** The graphql-yoga application: schema, context, GraphiQL and error masking. */
import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createGraphQLError, createYoga, maskError, type Plugin, type YogaLogger } from 'graphql-yoga';
import type { RequestDefaults, TencentCaller } from '../resolvers/context.js';
import type { GraphQLContext, ServiceMode } from '../schema/builder.js';
import { schema } from '../schema/index.js';
import type { AuthConfig, BrowserConfig } from './auth/config.js';
import { useCallerAuthentication } from './auth/plugin.js';
import { corsPolicy, useSecurityHeaders } from './browser.js';
import { cachedGraphiQLRenderer, EXAMPLE_OPERATIONS } from './graphiql.js';
import { DEVELOPMENT_PROTECTION, type Protection, protectionPlugins } from './protection/index.js';

export interface AppOptions {
  tencent: TencentCaller;
  defaults: RequestDefaults;
  mode: ServiceMode;
  logger?: YogaLogger | boolean;
  plugins?: Plugin[];
  /** Caller authentication; absent: every caller is served, as the configured operator (sandbox). */
  auth?: AuthConfig | undefined;
  /** CORS allowlist; absent: no cross-origin browser access. */
  browser?: BrowserConfig;
  /** Abuse limits, GraphiQL and introspection switches, trusted documents. */
  protection?: Protection;
}

export const GRAPHQL_PATH = '/graphql';

export function createApp(options: AppOptions) {
  const shared = { tencent: options.tencent, defaults: options.defaults, mode: options.mode };
  const protection = options.protection ?? DEVELOPMENT_PROTECTION;
  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: options.logger ?? true,
    context: (): GraphQLContext => ({ ...shared, outcomes: [] }),
    cors: corsPolicy(options.browser ?? { corsOrigins: [] }),
    // The body limit plugin refuses large bodies by their length; yoga's own limit pipes every body through a
    // stream transform, which cost about a quarter of the CPU time per request (`npm run bench`).
    maxRequestBodySize: false,
    plugins: [
      useSecurityHeaders(),
      ...protectionPlugins(protection),
      ...(options.auth ? [useCallerAuthentication(options.auth)] : []),
      // Refuses the requests a browser sends cross-site without a preflight (GET, forms, text/plain).
      useCSRFPrevention(),
      ...(options.plugins ?? []),
    ],
    batching: protection.batchLimit > 0 ? { limit: protection.batchLimit } : false,
    // No Upload scalar: the GraphQL multipart (file upload) format would only be a way in for large bodies.
    multipart: false,
    graphiql: protection.graphiql && { title: 'Tencent e-sign GraphQL', defaultQuery: EXAMPLE_OPERATIONS },
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
