/**
 * The yoga plugin that gives each request an id (the caller's `X-Request-Id`
 * or a new one, echoed in the response), gives each operation a scope (its
 * context's `trace`), and logs and counts each operation when its result is
 * ready. Its line is the audit trail: the caller, and for each mutation (each
 * item of a batch, with its index) the Tencent action, the identities it acted
 * as, what it acted on, its outcome and Tencent's RequestId. With tracing on,
 * it takes the operation's span into the scope, names it in the line
 * (`traceId`, `spanId`) and ends it there.
 */
import { type DocumentNode, getOperationAST, type OperationDefinitionNode, parse } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { MutationOutcome } from '../resolvers/context.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { millisecondsSince, REQUEST_ID_HEADER, type RequestScope, requestIdFrom } from '../telemetry/request-scope.js';
import { traceFields } from '../telemetry/tracing.js';
import { authenticatedCaller } from './auth/plugin.js';
import type { OutcomeLog } from './outcomes.js';
import type { TracingPlugin } from './tracing.js';

type ExecutionResultLike = { data?: unknown; errors?: readonly unknown[] | undefined } | AsyncIterable<unknown>;

/**
 * What the operation produced: the `__typename` of each mutation result
 * (recorded by the resolvers, or read back from a replayed result), else
 * `errors` or `data`.
 */
function resultsOf(result: ExecutionResultLike | undefined, outcomes: readonly MutationOutcome[]): string[] {
  if (outcomes.length > 0) return outcomes.map((outcome) => outcome.typename);
  if (result === undefined || Symbol.asyncIterator in result) return ['stream'];
  if (result.errors && result.errors.length > 0) return ['errors'];
  const typenames = Object.values((result.data as Record<string, unknown> | null | undefined) ?? {}).flatMap((field) =>
    field !== null && typeof field === 'object' && '__typename' in field && typeof field.__typename === 'string'
      ? [field.__typename]
      : [],
  );
  return typenames.length > 0 ? typenames : ['data'];
}

// A GraphQL name of sane length: anything else a client sends as a name is not repeated in logs or labels.
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
const acceptedName = (name: string | null | undefined) => (name && OPERATION_NAME.test(name) ? name : undefined);

/** Names the scope after the operation that runs (none when the document has no such operation). */
function nameAfter(scope: RequestScope, operation: OperationDefinitionNode | null | undefined): void {
  scope.operation = acceptedName(operation?.name?.value) ?? scope.operation;
  scope.operationType = operation?.operation;
}

/** The request's parameters the operation is named from. */
type Requested = Pick<GraphQLParams, 'query' | 'operationName'>;

/** Names the scope after the operation `operationName` selects in the document, else its only one. */
function nameFrom(scope: RequestScope, document: DocumentNode, { operationName }: Requested): void {
  nameAfter(scope, getOperationAST(document, operationName));
}

function nameFromText(scope: RequestScope, requested: Requested): void {
  if (requested.query === undefined) return;
  try {
    nameFrom(scope, parse(requested.query, { noLocation: true }), requested);
  } catch {
    // Not a document: it stays unnamed, as the client was told.
  }
}

/** Who asked, and what each mutation did as which Tencent identity: the operation line's audit trail. */
interface Audit {
  /** `api-key:<name>` or `jwt:<issuer>|<subject>`; absent when caller authentication is off. */
  caller: string | undefined;
  outcomes: readonly MutationOutcome[];
  /** Answered from an earlier request's result: nothing was called. */
  replay: boolean;
}

/** One mutation as the audit trail names it: no personal data (see `MutationOutcome`). */
const audited = ({ typename, action, item, tencentRequestId, actingAs, target }: MutationOutcome) => ({
  action,
  item,
  outcome: typename,
  tencentRequestId,
  actingAs,
  target,
});

/** Logs and counts one finished operation: its name, type, what it produced, for whom, and how long it took. */
function report(logger: Logger, metrics: Metrics, scope: RequestScope, results: string[], audit: Audit): void {
  const elapsedMs = millisecondsSince(scope.startedAt);
  const operation = scope.operation ?? 'anonymous';
  const type = scope.operationType ?? 'unknown';
  metrics.operationFinished(operation, type, results, elapsedMs / 1000);
  scope.span?.end({ operation, type, outcome: results, requestId: scope.requestId });
  const mutations = audit.outcomes.filter((outcome) => outcome.action !== undefined).map(audited);
  logger.info(
    {
      reqId: scope.requestId,
      ...(scope.span ? traceFields(scope.span) : {}),
      operation,
      operationType: type,
      outcome: results.join(','),
      latencyMs: elapsedMs,
      caller: audit.caller,
      ...(mutations.length > 0 ? { mutations } : {}),
      ...(audit.replay ? { idempotentReplay: true } : {}),
    },
    'graphql operation',
  );
}

export interface OperationsOptions {
  logger: Logger;
  metrics: Metrics;
  outcomes: OutcomeLog;
  /** The tracing plugin, when tracing is on; it must come before this one. */
  spans?: Pick<TracingPlugin, 'spanOf'> | undefined;
}

export function useOperations({
  logger,
  metrics,
  outcomes,
  spans,
}: OperationsOptions): Plugin<{ trace?: RequestScope }> {
  // Keyed by the operation's context object: yoga gives each operation of a batch one of its own.
  const operations = new WeakMap<object, { scope: RequestScope; requested: Requested }>();
  const requestIds = new WeakMap<Request, string>();
  const requestIdOf = (request: Request): string => {
    let id = requestIds.get(request);
    if (id === undefined) {
      id = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
      requestIds.set(request, id);
    }
    return id;
  };

  return {
    onParams({ params, request, context }) {
      const scope = {
        requestId: requestIdOf(request),
        startedAt: performance.now(),
        operation: acceptedName(params.operationName),
        span: spans?.spanOf(context),
      };
      operations.set(context, { scope, requested: params });
    },
    onContextBuilding({ context, extendContext }) {
      const operation = operations.get(context);
      if (operation) extendContext({ trace: operation.scope });
    },
    onParse({ context }) {
      // Named from the document even when it then fails validation.
      return ({ result }) => {
        const operation = operations.get(context);
        if (operation && result && !(result instanceof Error)) nameFrom(operation.scope, result, operation.requested);
      };
    },
    onExecutionResult({ result, context, request }) {
      const operation = operations.get(context);
      if (!operation) return;
      const { scope, requested } = operation;
      // A result answered without parsing (an idempotent replay) is named from its query text here.
      if (scope.operationType === undefined) nameFromText(scope, requested);
      const done = outcomes.of(context);
      const replay =
        result !== undefined && !(Symbol.asyncIterator in result) && result.extensions?.idempotentReplay === true;
      report(logger, metrics, scope, resultsOf(result, done), {
        caller: authenticatedCaller(request)?.id,
        outcomes: done,
        replay,
      });
    },
    onResponse({ request, response }) {
      response.headers.set(REQUEST_ID_HEADER, requestIdOf(request));
    },
  };
}
