/**
 * The graphql-yoga application (schema, context, GraphiQL, error masking and
 * the plugins) and the Node request listener that serves it, through the fast
 * path when that is on.
 */
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import type { GraphQLError } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import {
  createGraphQLError,
  createYoga,
  maskError,
  type Plugin,
  type YogaLogger,
  type YogaServerInstance,
} from 'graphql-yoga';
import type { RequestDefaults, TencentCaller } from '../resolvers/context.js';
import type { GraphQLContext, ServiceMode } from '../schema/builder.js';
import { schema } from '../schema/index.js';
import type { AuthConfig, BrowserConfig } from './auth/config.js';
import { callerAuthenticator, useCallerAuthentication } from './auth/plugin.js';
import { corsPolicy, useSecurityHeaders } from './browser.js';
import { FastPath } from './fast-path/index.js';
import { cachedGraphiQLRenderer, EXAMPLE_OPERATIONS } from './graphiql.js';
import type { Route } from './observability/metrics.js';
import type { OperationReporter } from './observability/operation-plugin.js';
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
  /**
   * Serves plain requests for documents yoga has already accepted without yoga's request machinery (see
   * fast-path/). Off with trusted documents, whose clients send hashes, not documents.
   */
  fastPath?: boolean;
  /** Logs and counts the operations the fast path serves. */
  reportOperation?: OperationReporter;
  /** Counts who answered each request (fast path or yoga). */
  onRoute?: (route: Route) => void;
}

export type YogaApp = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export interface App {
  yoga: YogaApp;
  /** For `http.createServer`: the fast path when on, else yoga itself. */
  listener: RequestListener;
}

/** Unexpected faults reach clients as a message with an id; the details go to the log under that id. */
function maskWithErrorId(logger: () => YogaLogger) {
  return (error: unknown, message: string): GraphQLError => {
    const masked = maskError(error, message, false) as GraphQLError;
    if (masked === error) return masked;
    const errorId = randomUUID();
    logger().error(`Unexpected error ${errorId}:`, error);
    return createGraphQLError(`${message} (error id ${errorId})`, {
      nodes: masked.nodes,
      source: masked.source,
      positions: masked.positions,
      path: masked.path,
      extensions: { ...masked.extensions, errorId },
    });
  };
}

export const GRAPHQL_PATH = '/graphql';

export function createApp(options: AppOptions): App {
  const { tencent, defaults, mode } = options;
  const context = (): GraphQLContext => ({ tencent, defaults, mode, outcomes: [] });
  const protection = options.protection ?? DEVELOPMENT_PROTECTION;
  const logger = () => yoga.logger;
  const authenticate = options.auth && callerAuthenticator(options.auth, logger);
  const mask = maskWithErrorId(logger);
  const fastPath =
    options.fastPath && !protection.trustedDocuments
      ? new FastPath({
          endpoint: GRAPHQL_PATH,
          schema,
          context,
          authenticate,
          mask,
          maxBodyBytes: protection.maxBodyBytes,
          report: options.reportOperation,
          onRoute: options.onRoute,
        })
      : undefined;
  const yoga: YogaApp = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: options.logger ?? true,
    context,
    cors: corsPolicy(options.browser ?? { corsOrigins: [] }),
    // The body limit plugin refuses large bodies by their length; yoga's own limit pipes every body through a
    // stream transform, which cost about a quarter of the CPU time per request (`npm run bench`).
    maxRequestBodySize: false,
    plugins: [
      useSecurityHeaders(),
      ...protectionPlugins(protection),
      ...(options.auth && authenticate ? [useCallerAuthentication(options.auth, authenticate)] : []),
      // Refuses the requests a browser sends cross-site without a preflight (GET, forms, text/plain).
      useCSRFPrevention(),
      ...(options.plugins ?? []),
      ...(fastPath ? [fastPath.plugin] : []),
    ],
    batching: protection.batchLimit > 0 ? { limit: protection.batchLimit } : false,
    // No Upload scalar: the GraphQL multipart (file upload) format would only be a way in for large bodies.
    multipart: false,
    graphiql: protection.graphiql && { title: 'Tencent e-sign GraphQL', defaultQuery: EXAMPLE_OPERATIONS },
    renderGraphiQL: cachedGraphiQLRenderer(),
    maskedErrors: { maskError: mask },
  });
  return { yoga, listener: fastPath ? fastPath.listener(yoga) : yoga };
}
