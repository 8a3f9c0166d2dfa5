/**
 * Trusted documents (persisted operations): a manifest maps the SHA-256 of each document a frontend ships to
 * the document itself. It is read and checked at start-up: every key must be its document's hash and every
 * document must be valid against the schema, or start-up stops naming the problem.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type GraphQLError, parse, validate } from 'graphql';
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

/** Every key must be its document's hash and every document must be valid against the schema. */
function checkManifest(manifest: Record<string, string>): TrustedDocuments {
  for (const [hash, document] of Object.entries(manifest)) {
    if (hash !== documentHash(document)) throw invalid(`${hash} is not the SHA-256 of its document`);
    let errors: readonly GraphQLError[];
    try {
      errors = validate(schema, parse(document));
    } catch (error) {
      throw invalid(`document ${hash} does not parse: ${(error as Error).message}`);
    }
    if (errors.length > 0) throw invalid(`document ${hash} is not valid against the schema: ${errors[0]!.message}`);
  }
  return new Map(Object.entries(manifest));
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
  const manifest = Manifest.safeParse(json);
  if (!manifest.success) throw invalid(`${path} must be a JSON object of SHA-256 hash → GraphQL document`);
  return checkManifest(manifest.data);
}
