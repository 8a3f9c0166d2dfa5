/**
 * The fast path's executor: each accepted operation compiled once with
 * graphql-jit, which runs the benchmark's mutation in about two thirds of
 * the CPU time graphql-js's `execute` takes (`npm run bench`). Its errors
 * are rebuilt as graphql-js would have raised them, so that masking and the
 * response read exactly as yoga's.
 */
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type Source,
  type SourceLocation,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

export type CompiledOperation = (
  contextValue: object,
  variables: Record<string, unknown> | undefined,
) => Promise<ExecutionResult>;

/** The offset of a location in a source body, counting lines as graphql's `getLocation` does. */
function positionOf(body: string, { line, column }: SourceLocation): number {
  const lineBreak = /\r\n|[\n\r]/g;
  let lineStart = 0;
  for (let current = 1; current < line; current++) {
    const match = lineBreak.exec(body);
    if (!match) break;
    lineStart = match.index + match[0].length;
  }
  return lineStart + column - 1;
}

/**
 * A graphql-jit error as graphql-js raises it, so yoga masks it alike:
 * - graphql-jit gives only `locations`, which masking drops (it keeps nodes or source positions), so they become
 *   positions in the document's source;
 * - graphql-jit raises its own failures (a null for a non-null field) with no original error, which yoga would
 *   show; graphql-js raises them from a plain Error, which yoga masks. They get one, so they are masked: never
 *   more shown than yoga would show.
 */
export function asGraphQLJsError(error: GraphQLError, source: Source | undefined): GraphQLError {
  return new GraphQLError(error.message, {
    source,
    positions: source && error.locations?.map((location) => positionOf(source.body, location)),
    path: error.path,
    originalError: error.originalError ?? new Error(error.message),
    extensions: error.extensions,
  });
}

export class CompiledOperations {
  readonly #schema: GraphQLSchema;
  /** Weak: an operation leaves with its document when the accepted documents let it go. */
  readonly #compiled = new WeakMap<OperationDefinitionNode, CompiledOperation | undefined>();

  constructor(schema: GraphQLSchema) {
    this.#schema = schema;
  }

  /** The operation compiled (once), or `undefined` when graphql-jit cannot compile it and yoga is to serve it. */
  get(document: DocumentNode, operation: OperationDefinitionNode): CompiledOperation | undefined {
    if (this.#compiled.has(operation)) return this.#compiled.get(operation);
    const compiled = compileQuery(this.#schema, document, operation.name?.value);
    const run = isCompiledQuery(compiled) ? this.#runner(compiled, document.loc?.source) : undefined;
    this.#compiled.set(operation, run);
    return run;
  }

  #runner(compiled: CompiledQuery, source: Source | undefined): CompiledOperation {
    return async (contextValue, variables) => {
      const result = await compiled.query(undefined, contextValue, variables ?? {});
      if (!result.errors?.length) return result;
      // Errors first, as graphql-js orders a result's keys.
      const errors = result.errors.map((error) => asGraphQLJsError(error, source));
      return 'data' in result ? { errors, data: result.data } : { errors };
    };
  }
}
