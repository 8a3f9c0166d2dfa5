/**
 * Trusted documents (persisted operations): a manifest maps the SHA-256 of each document a frontend ships to
 * the document itself, either as a JSON object (hash → document, what `npm run trusted-documents` prints) or in
 * the format of Apollo's `generate-persisted-query-manifest`. It is read and checked at start-up: every id must be
 * its document's hash and every document must be valid against the schema, or start-up stops naming the problem.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type DocumentNode, type GraphQLError, Kind, parse, validate } from 'graphql';
import { z } from 'zod';
import { schema } from '../schema/index.js';
import { ConfigError } from './error.js';

/** SHA-256 (hex) of a document → the document. */
export type TrustedDocuments = ReadonlyMap<string, string>;

const invalid = (message: string) => new ConfigError(`Invalid configuration: TRUSTED_DOCUMENTS: ${message}`);

export function documentHash(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

const Manifest = z.record(z.string(), z.string());

const APOLLO_FORMAT = 'apollo-persisted-query-manifest';

/** Apollo's persisted query manifest: one entry per operation, its body holding the fragments it uses. */
const ApolloManifest = z.object({
  format: z.literal(APOLLO_FORMAT),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string(),
    }),
  ),
});
type ApolloOperation = z.output<typeof ApolloManifest>['operations'][number];

function parsed(hash: string, document: string): DocumentNode {
  try {
    return parse(document);
  } catch (error) {
    throw invalid(`document ${hash} does not parse: ${(error as Error).message}`);
  }
}

/** Every key must be its document's hash and every document must be valid against the schema. */
function checkManifest(manifest: Record<string, string>): TrustedDocuments {
  for (const [hash, document] of Object.entries(manifest)) {
    if (hash !== documentHash(document)) throw invalid(`${hash} is not the SHA-256 of its document`);
    const errors: readonly GraphQLError[] = validate(schema, parsed(hash, document));
    if (errors.length > 0) throw invalid(`document ${hash} is not valid against the schema: ${errors[0]!.message}`);
  }
  return new Map(Object.entries(manifest));
}

/** An Apollo entry's body must define the operation its `name` and `type` say. */
function checkApolloOperation({ id, name, type, body }: ApolloOperation): void {
  const defines = parsed(id, body).definitions.some(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.operation === type && definition.name?.value === name,
  );
  if (!defines) throw invalid(`operation ${id} says it is the ${type} ${name}, but its body defines no such operation`);
}

/** The hash → document map of a manifest in either format. */
function manifestEntries(json: unknown, path: string): Record<string, string> {
  const format = json !== null && typeof json === 'object' && 'format' in json ? json.format : undefined;
  if (format === undefined) {
    const manifest = Manifest.safeParse(json);
    if (!manifest.success) {
      throw invalid(`${path} must be a JSON object of SHA-256 hash → GraphQL document, or an Apollo ${APOLLO_FORMAT}`);
    }
    return manifest.data;
  }
  const apollo = ApolloManifest.safeParse(json);
  if (!apollo.success) {
    const issue = apollo.error.issues[0]!;
    throw invalid(
      `${path} is not an ${APOLLO_FORMAT} (version 1): ${issue.path.join('.') || 'format'}: ${issue.message}`,
    );
  }
  const { operations } = apollo.data;
  for (const operation of operations) checkApolloOperation(operation);
  return Object.fromEntries(operations.map(({ id, body }) => [id, body]));
}

/** The manifest for `documents`, checked as the server checks it at start-up. */
export function trustedDocumentsManifest(documents: readonly string[]): Record<string, string> {
  const manifest = Object.fromEntries(documents.map((document) => [documentHash(document), document]));
  checkManifest(manifest);
  return manifest;
}

/** Reads and checks a manifest file; throws {@link ConfigError} saying what is wrong. */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the file's first characters, and a wrong file may hold a secret.
    throw invalid(`cannot read ${path} as JSON: it is not valid JSON`);
  }
  return checkManifest(manifestEntries(json, path));
}
