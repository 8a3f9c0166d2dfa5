/**
 * The yoga plugin that gives each request an id (the caller's `X-Request-Id`
 * or a new one, echoed in the response), gives each operation a scope (its
 * context's `trace`), and logs and counts each operation when its result is
 * ready.
 */
import { type DocumentNode, getOperationAST, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ResolverContext } from '../../resolvers/context.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { millisecondsSince, REQUEST_ID_HEADER, type RequestScope, requestIdFrom } from './request-scope.js';

type ExecutionResultLike = { data?: unknown; errors?: readonly unknown[] | undefined } | AsyncIterable<unknown>;

/**
 * What the operation produced: the `__typename` of each mutation result
 * (recorded by the resolvers, or read back from a replayed result), else
 * `errors` or `data`.
 */
function resultsOf(result: ExecutionResultLike | undefined, outcomes: readonly string[] | undefined): string[] {
  if (outcomes && outcomes.length > 0) return [...outcomes];
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

/** Names the scope's operation from the document (the one `operationName` selects, else the only one). */
function nameFrom(scope: RequestScope, document: DocumentNode): void {
  const operation = getOperationAST(document, scope.operation);
  scope.operation = acceptedName(operation?.name?.value) ?? scope.operation;
  scope.operationType = operation?.operation;
}

/** Names a scope for a request's `operationName` and its (already parsed) document, as the plugin does. */
export function nameOperation(
  scope: RequestScope,
  operationName: string | null | undefined,
  document: DocumentNode,
): void {
  scope.operation = acceptedName(operationName);
  nameFrom(scope, document);
}

function nameFromText(scope: RequestScope, query: string | undefined): void {
  if (query === undefined) return;
  try {
    nameFrom(scope, parse(query, { noLocation: true }));
  } catch {
    // Not a document: it stays unnamed, as the client was told.
  }
}

export type OperationReporter = (
  scope: RequestScope,
  result: ExecutionResultLike | undefined,
  outcomes?: readonly string[],
) => void;

/** Logs and counts one finished operation: its name, type, what it produced and how long it took. */
export function operationReporter(logger: Logger, metrics: Metrics): OperationReporter {
  return (scope, result, outcomes) => {
    const elapsedMs = millisecondsSince(scope.startedAt);
    const results = resultsOf(result, outcomes);
    const operation = scope.operation ?? 'anonymous';
    const type = scope.operationType ?? 'unknown';
    metrics.operationFinished(operation, type, results, elapsedMs / 1000);
    logger.info(
      { reqId: scope.requestId, operation, operationType: type, outcome: results.join(','), latencyMs: elapsedMs },
      'graphql operation',
    );
  };
}

export function useObservedOperations(report: OperationReporter): Plugin<Pick<ResolverContext, 'trace'>> {
  // Keyed by the operation's context object: yoga gives each operation of a batch one of its own.
  const operations = new WeakMap<object, { scope: RequestScope; query: string | undefined }>();
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
      };
      operations.set(context, { scope, query: params.query });
    },
    onContextBuilding({ context, extendContext }) {
      const operation = operations.get(context);
      if (operation) extendContext({ trace: operation.scope });
    },
    onParse({ context }) {
      // Named from the document even when it then fails validation.
      return ({ result }) => {
        const scope = operations.get(context)?.scope;
        if (scope && result && !(result instanceof Error)) nameFrom(scope, result);
      };
    },
    onExecutionResult({ result, context }) {
      const operation = operations.get(context);
      if (!operation) return;
      const { scope, query } = operation;
      // A result answered without parsing (an idempotent replay) is named from its query text here.
      if (scope.operationType === undefined) nameFromText(scope, query);
      report(scope, result, (context as Pick<ResolverContext, 'outcomes'>).outcomes);
    },
    onResponse({ request, response }) {
      response.headers.set(REQUEST_ID_HEADER, requestIdOf(request));
    },
  };
}
