/**
 * The fast path: the common request (a plain JSON POST of a document yoga
 * has already accepted, from a non-browser client) run as a compiled
 * operation (graphql-jit), without yoga's Fetch-API request and response
 * objects and its per-request hooks, which cost more CPU than the whole
 * Tencent call.
 *
 * It answers only clean successes: status 200 and a result without errors,
 * with the same headers, caller authentication, request id, log line and
 * metrics as yoga. Everything else is handed to yoga with the body already
 * read: requests it does not recognise, refused callers, variables that do
 * not coerce (nothing has run yet), and results with errors (masked here,
 * then given to yoga as the result, so yoga words the response).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type ExecutionResult, type GraphQLError, type GraphQLSchema, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../../resolvers/caller.js';
import type { GraphQLContext } from '../../schema/builder.js';
import type { CallerAuthenticator } from '../auth/plugin.js';
import { securityHeaders } from '../browser.js';
import type { Route } from '../observability/metrics.js';
import { nameAfter, type OperationReporter } from '../observability/operation-plugin.js';
import { REQUEST_ID_HEADER, type RequestScope, requestIdFrom } from '../observability/request-scope.js';
import { AcceptedDocuments } from './accepted-documents.js';
import { CompiledOperations } from './compiled-operations.js';
import { headerSource, plainParams, plainRequestLength } from './plain-request.js';

export interface FastPathOptions {
  /** The GraphQL endpoint's path, e.g. `/graphql`. */
  endpoint: string;
  schema: GraphQLSchema;
  context: () => GraphQLContext;
  /** Absent when caller authentication is off. */
  authenticate: CallerAuthenticator | undefined;
  /** Yoga's error masking, so an unexpected fault reads the same on either path. */
  mask: (error: unknown, message: string) => GraphQLError;
  maxBodyBytes: number;
  report: OperationReporter | undefined;
  /** Told who answers each request. */
  onRoute: ((route: Route) => void) | undefined;
}

/** Yoga's default wording for a masked error. */
const UNEXPECTED = 'Unexpected error.';
// A flat name, value, name, value list, which `writeHead` takes as it is.
const RESPONSE_HEADERS = Object.entries({
  'content-type': 'application/json; charset=utf-8',
  ...securityHeaders(false),
}).flat();

type YogaListener = (req: IncomingMessage, res: ServerResponse) => unknown;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
    // A request emits `close` after its body too; only an incomplete one is a failure (and worth an Error).
    req.once('close', () => {
      if (!req.complete) reject(new Error('request closed before its body arrived'));
    });
  });
}

export class FastPath {
  readonly #options: FastPathOptions;
  readonly #documents = new AcceptedDocuments();
  readonly #operations: CompiledOperations;
  /** Results computed here that yoga is to answer with (see {@link FastPath.plugin}). */
  readonly #handedOver = new WeakMap<IncomingMessage, ExecutionResult>();

  constructor(options: FastPathOptions) {
    this.#options = options;
    this.#operations = new CompiledOperations(options.schema);
  }

  /** For yoga's plugin list: learns the accepted documents, and answers with a result handed over. */
  readonly plugin: Plugin = {
    ...this.#documents.plugin,
    onParams: ({ context, setResult }) => {
      // The server context of a Node request holds it as `req`.
      const { req } = context as { req?: IncomingMessage };
      const result = req && this.#handedOver.get(req);
      if (result) setResult(result);
    },
  };

  listener(yoga: YogaListener): RequestListener {
    return (req, res) => {
      if (plainRequestLength(req, this.#options.endpoint, this.#options.maxBodyBytes) === undefined) {
        this.#options.onRoute?.('yoga');
        yoga(req, res);
        return;
      }
      readBody(req).then(
        (body) => this.#serve(req, res, yoga, body).catch((error: unknown) => this.#fail(res, error)),
        // The client went away mid-body: there is no one to answer.
        () => res.destroy(),
      );
    };
  }

  /** Lets yoga answer; `ran`: the operation already ran here, so yoga answers with its result under its request id. */
  #handOver(
    req: IncomingMessage,
    res: ServerResponse,
    yoga: YogaListener,
    body: Buffer,
    ran?: { result: ExecutionResult; requestId: string },
  ): void {
    this.#options.onRoute?.('handed_over');
    if (ran) {
      this.#handedOver.set(req, ran.result);
      // The id the operation's Tencent calls were logged under, for yoga's log line and response header too.
      req.headers[REQUEST_ID_HEADER] = ran.requestId;
    }
    // The body is read: yoga takes it from `req.body`, as it does behind Express.
    Object.assign(req, { body });
    yoga(req, res);
  }

  async #serve(req: IncomingMessage, res: ServerResponse, yoga: YogaListener, body: Buffer): Promise<void> {
    const params = plainParams(body);
    const document = params && this.#documents.get(params.query);
    const operation = document && getOperationAST(document, params.operationName);
    const run = operation && this.#operations.get(document, operation);
    if (!params || !document || !run) return this.#handOver(req, res, yoga, body);

    let caller: Caller | undefined;
    if (this.#options.authenticate) {
      const outcome = await this.#options.authenticate(headerSource(req.headers));
      // Yoga authenticates again and words the refusal.
      if (!outcome.ok) return this.#handOver(req, res, yoga, body);
      caller = outcome.caller;
    }
    const requestIdHeader = req.headers[REQUEST_ID_HEADER];
    const scope: RequestScope = {
      requestId: requestIdFrom(typeof requestIdHeader === 'string' ? requestIdHeader : null),
      startedAt: performance.now(),
    };
    nameAfter(scope, operation);
    // Set on the new context rather than spread into a copy: a spread costs about half a microsecond.
    const contextValue = this.#options.context();
    contextValue.caller = caller;
    contextValue.trace = scope;
    const result = await run(contextValue, params.variables);
    // No data: the variables did not coerce and nothing ran, so yoga can do it all again and word the errors.
    if (!('data' in result)) return this.#handOver(req, res, yoga, body);
    if (result.errors?.length) {
      const errors = result.errors.map((error) => this.#options.mask(error, UNEXPECTED));
      return this.#handOver(req, res, yoga, body, { result: { ...result, errors }, requestId: scope.requestId });
    }
    this.#options.onRoute?.('fast_path');
    this.#options.report?.(scope, result, contextValue.outcomes);
    const json = JSON.stringify(result);
    res.writeHead(200, [
      ...RESPONSE_HEADERS,
      'content-length',
      String(Buffer.byteLength(json)),
      REQUEST_ID_HEADER,
      scope.requestId,
    ]);
    res.end(json);
  }

  /** A fault in the fast path itself: logged under an error id, answered as yoga answers one. */
  #fail(res: ServerResponse, error: unknown): void {
    const masked = this.#options.mask(error, UNEXPECTED);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    res.writeHead(500, RESPONSE_HEADERS);
    res.end(JSON.stringify({ errors: [masked] }));
  }
}
