/**
 * Every error leaves through here, whichever phase raised it (reading the request, its parameters, parsing,
 * validation, variable coercion, execution, a batch, a plugin's refusal), and leaves without the request's input:
 *
 * - its extensions are cut to the ones this service sets (`code`, `errorId`), so what a library attaches for
 *   debugging (yoga's `originalError`, which quotes a malformed body whole) never leaves;
 * - its message loses the values GraphQL repeats (see `withoutEchoedValues`), and any quoted part that is not a
 *   GraphQL name, path or type of sane length becomes `"…"` (a JSON key, an operation name, whatever sent);
 * - with suggestions hidden, "Did you mean …?" is dropped from every message (fields, types, arguments, input fields
 *   and enum values alike), since it would reveal the schema that disabled introspection hides.
 *
 * And every refusal says what it is: a request yoga could not read (`BAD_REQUEST`: a body that is not JSON, no
 * query) answers 400 whatever the client accepts, and variables that do not fit their types (which yoga answers 400
 * with no code) get `BAD_USER_INPUT`. Parse and validation errors keep GraphQL over HTTP's statuses.
 */
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { withoutEchoedValues } from '../../telemetry/redact.js';

/**
 * What a client sees (`code`, `errorId`, and `sentCalls` of IDEMPOTENCY_OUTCOME_UNKNOWN: response keys of its own
 * request) and what yoga reads for the HTTP status and strips itself.
 */
const KEPT_EXTENSIONS = ['code', 'errorId', 'sentCalls', 'http', 'unexpected'];

const NAME = '[@$]?[_A-Za-z][_0-9A-Za-z]{0,63}(?:\\[\\d{1,6}\\])*';
/** A name, a dotted path of names (`input.userInfo`), a type (`[String!]!`), or one character (`"}"`). */
const SAFE_QUOTED = new RegExp(`^(?:${NAME}(?:\\.${NAME})*|\\[*${NAME}!?(?:\\]!?)*|\\.\\.\\.|.)$`, 's');
/** Six digits in a row are a value (an ID number behind a letter), whatever its shape. */
const DIGIT_RUN = /\d{6}/;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const SUGGESTION = / ?Did you mean [^?]*\?/g;

const safeQuoted = (text: string) => SAFE_QUOTED.test(text) && !DIGIT_RUN.test(text);

export function echoFreeMessage(message: string, hideSuggestions: boolean): string {
  const scrubbed = withoutEchoedValues(message).replace(QUOTED, (quoted, inner: string) =>
    safeQuoted(inner) ? quoted : '"…"',
  );
  return hideSuggestions ? scrubbed.replace(SUGGESTION, '') : scrubbed;
}

interface HttpExtension {
  status?: number;
  spec?: boolean;
  headers?: Record<string, string>;
}

function keptExtensions(extensions: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of KEPT_EXTENSIONS) if (extensions?.[name] !== undefined) kept[name] = extensions[name];
  const http = kept.http as HttpExtension | undefined;
  // `spec` lets yoga answer 200 to a client that accepts only application/json; a request it could not read is
  // not a well-formed GraphQL request for any client.
  if (kept.code === 'BAD_REQUEST' && http?.spec) kept.http = { ...http, spec: false };
  if (kept.code === undefined && http?.status === 400) kept.code = 'BAD_USER_INPUT';
  return kept;
}

function echoFree(error: GraphQLError, hideSuggestions: boolean): GraphQLError {
  // The original error stays for yoga's HTTP status (it is never serialised); its extensions do not.
  return new GraphQLError(echoFreeMessage(error.message, hideSuggestions), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: keptExtensions(error.extensions),
  });
}

export function useEchoFreeErrors(options: { hideSuggestions: boolean }): Plugin {
  const clean = <R extends ExecutionResult>(result: R): R =>
    result.errors?.length
      ? { ...result, errors: result.errors.map((error) => echoFree(error, options.hideSuggestions)) }
      : result;
  return {
    onResultProcess({ result, setResult }) {
      // Streamed results (subscriptions, @defer) are not served by this schema.
      if (Symbol.asyncIterator in result) return;
      setResult(Array.isArray(result) ? result.map(clean) : clean(result));
    },
  };
}
