/**
 * The graphql-yoga application: schema, context, GraphiQL, error masking, and every plugin in the one order
 * they run in. Nothing else assembles plugins.
 */
import { randomUUID } from 'node:crypto';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, maskError, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from '../config/index.js';
import { useCallerAuthentication } from '../plugins/auth/plugin.js';
import { useAutomaticPersistedQueries } from '../plugins/automatic-persisted-queries.js';
import { useCompression } from '../plugins/browser/compression.js';
import { corsPolicy, useVaryOrigin } from '../plugins/browser/cors.js';
import { useCsrfPrevention } from '../plugins/browser/csrf.js';
import { type ExampleValues, exampleOperations } from '../plugins/browser/graphiql.js';
import { useGraphiQL } from '../plugins/browser/graphiql-page.js';
import { useSecurityHeaders } from '../plugins/browser/security-headers.js';
import { useIdempotencyMetrics } from '../plugins/idempotency/metrics.js';
import { useIdempotency } from '../plugins/idempotency/plugin.js';
import type { IdempotencyStore } from '../plugins/idempotency/store.js';
import { useMetricsEndpoint } from '../plugins/metrics-endpoint.js';
import { useOperations } from '../plugins/operations.js';
import { createOutcomeLog } from '../plugins/outcomes.js';
import { useBodyLimit } from '../plugins/protection/body-limit.js';
import { useEchoFreeErrors } from '../plugins/protection/echo-free-errors.js';
import { useDocumentLimits } from '../plugins/protection/limits.js';
import { useRequestParseErrors } from '../plugins/protection/request-parse.js';
import { useTrustedDocuments } from '../plugins/protection/trusted-documents.js';
import { type Readiness, useReadiness } from '../plugins/readiness.js';
import { useTracing } from '../plugins/tracing.js';
import type { SandboxControls, TencentCaller } from '../resolvers/context.js';
import type { GraphQLContext, ServiceMode } from '../schema/builder.js';
import { createEsignSchema } from '../schema/index.js';
import { type Logger, yogaLoggerFor } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Tracing } from '../telemetry/tracing.js';
import { languageFor } from '../tencent/language.js';

export const GRAPHQL_PATH = '/graphql';

/** The parts of the configuration the app itself reads. */
export type AppConfig = Pick<
  Config,
  'defaults' | 'maxBatchItems' | 'language' | 'auth' | 'browser' | 'protection' | 'federation'
>;

export interface AppOptions {
  config: AppConfig;
  mode: ServiceMode;
  tencent: TencentCaller;
  logger: Logger;
  metrics: Metrics;
  idempotency: IdempotencyStore;
  readiness: () => Readiness;
  /** What GraphiQL's example operations are filled with. */
  exampleValues: ExampleValues;
  /** Sandbox mode's controls (`resetSandbox`); absent in every other mode. */
  sandbox?: SandboxControls | undefined;
  /** Present when an OTLP endpoint is configured. */
  tracing?: Tracing | undefined;
}

export type YogaApp = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

/** Unexpected faults reach clients as a message with an id; the details go to the log under that id. */
function maskWithErrorId(logger: YogaLogger) {
  return (error: unknown, message: string): GraphQLError => {
    const masked = maskError(error, message, false) as GraphQLError;
    if (masked === error) return masked;
    const errorId = randomUUID();
    logger.error(`Unexpected error ${errorId}:`, error);
    return createGraphQLError(`${message} (error id ${errorId})`, {
      nodes: masked.nodes,
      source: masked.source,
      positions: masked.positions,
      path: masked.path,
      extensions: { ...masked.extensions, errorId },
    });
  };
}

export function createApp(options: AppOptions): YogaApp {
  const { config, mode, tencent, logger, metrics } = options;
  const { protection, auth } = config;
  const yogaLogger = yogaLoggerFor(logger);
  const outcomes = createOutcomeLog();
  const tracing = options.tracing ? useTracing({ tracing: options.tracing }) : undefined;
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema: createEsignSchema({
      federation: config.federation !== undefined,
      typePrefix: config.federation?.typePrefix,
    }),
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: yogaLogger,
    context: (initial) => ({
      tencent,
      defaults: config.defaults,
      maxBatchItems: config.maxBatchItems,
      mode,
      language: languageFor(initial.request.headers.get('accept-language')) ?? config.language,
      signal: initial.request.signal,
      outcomes: outcomes.of(initial),
      sandbox: options.sandbox,
    }),
    cors: corsPolicy(config.browser),
    // The body limit plugin refuses large bodies by their length; yoga's own limit pipes every body through a
    // stream transform, which costs CPU on every request.
    maxRequestBodySize: false,
    plugins: [
      useSecurityHeaders(),
      useVaryOrigin(config.browser),
      useReadiness(options.readiness),
      useMetricsEndpoint(metrics.registry),
      ...(protection.graphiql
        ? [
            useGraphiQL(GRAPHQL_PATH, {
              title: 'Tencent e-sign GraphQL',
              defaultQuery: exampleOperations(options.exampleValues, options.sandbox !== undefined),
            }),
          ]
        : []),
      useBodyLimit(protection.maxBodyBytes),
      useRequestParseErrors(),
      // Suggestions ("Did you mean …?") would reveal the schema that disabled introspection hides.
      useEchoFreeErrors({ hideSuggestions: !protection.introspection }),
      protection.trustedDocuments
        ? useTrustedDocuments(protection.trustedDocuments)
        : useAutomaticPersistedQueries(protection.apqCacheBytes),
      useDocumentLimits(protection.limits),
      // biome-ignore lint/complexity/noBannedTypes: yoga's own `Plugin` has the context `{}`, which this must match.
      ...(protection.introspection ? [] : [useDisableIntrospection<{}>()]),
      ...(auth ? [useCallerAuthentication(auth, { logger: yogaLogger, onRefused: metrics.authRefused })] : []),
      // Refuses the requests a browser sends cross-site without a preflight (GET, forms, text/plain).
      useCsrfPrevention(),
      ...(tracing ? [tracing] : []),
      useOperations({ logger, metrics, outcomes, spans: tracing }),
      useIdempotency(options.idempotency, { outcomes, logger: yogaLogger }),
      useIdempotencyMetrics(metrics),
      // Last, so it compresses the response as every other plugin left it.
      useCompression(),
    ],
    batching: protection.batchLimit > 0 ? { limit: protection.batchLimit } : false,
    // No Upload scalar: the GraphQL multipart (file upload) format would only be a way in for large bodies.
    multipart: false,
    // Served by useGraphiQL: a small page and content-hashed files instead of yoga's one 9 MB page.
    graphiql: false,
    maskedErrors: { maskError: maskWithErrorId(yogaLogger) },
  });
}
