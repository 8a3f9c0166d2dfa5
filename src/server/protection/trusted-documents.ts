/**
 * Trusted documents (persisted operations): a manifest maps the SHA-256 of
 * each document a frontend ships to the document itself, and when one is
 * configured the server runs only those. Clients send the hash the way
 * Apollo's persisted queries do (`extensions.persistedQuery.sha256Hash`) or
 * as GraphQL over HTTP's persisted documents do (`documentId`, optionally
 * prefixed `sha256:`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defaultExtractPersistedOperationId, usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { type GraphQLError, parse, validate } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';
import { schema } from '../../schema/index.js';

/** SHA-256 (hex) of a document → the document. */
export type TrustedDocuments = ReadonlyMap<string, string>;

export class TrustedDocumentsError extends Error {
  override name = 'TrustedDocumentsError';
}

export function documentHash(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

/** The manifest for `documents`, checked as the server checks it at start-up. */
export function trustedDocumentsManifest(documents: readonly string[]): Record<string, string> {
  const manifest = Object.fromEntries(documents.map((document) => [documentHash(document), document]));
  checkManifest(manifest);
  return manifest;
}

const Manifest = z.record(z.string(), z.string());

/** Every key must be its document's hash and every document must be valid against the schema. */
function checkManifest(manifest: Record<string, string>): TrustedDocuments {
  for (const [hash, document] of Object.entries(manifest)) {
    if (hash !== documentHash(document)) {
      throw new TrustedDocumentsError(`${hash} is not the SHA-256 of its document`);
    }
    let errors: readonly GraphQLError[];
    try {
      errors = validate(schema, parse(document));
    } catch (error) {
      throw new TrustedDocumentsError(`document ${hash} does not parse: ${(error as Error).message}`);
    }
    if (errors.length > 0) {
      throw new TrustedDocumentsError(`document ${hash} is not valid against the schema: ${errors[0]!.message}`);
    }
  }
  return new Map(Object.entries(manifest));
}

/** Reads and checks a manifest file; throws {@link TrustedDocumentsError} saying what is wrong. */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TrustedDocumentsError(`cannot read ${path} as JSON (${(error as Error).message})`);
  }
  const manifest = Manifest.safeParse(json);
  if (!manifest.success) {
    throw new TrustedDocumentsError(`${path} must be a JSON object of SHA-256 hash → GraphQL document`);
  }
  return checkManifest(manifest.data);
}

export function useTrustedDocuments(documents: TrustedDocuments): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    extractPersistedOperationId: (params, request, context) => {
      const { documentId } = params as { documentId?: unknown };
      if (typeof documentId === 'string') return documentId.replace(/^sha256:/, '');
      return defaultExtractPersistedOperationId(params, request, context);
    },
    allowArbitraryOperations: false,
    customErrors: {
      persistedQueryOnly: {
        message: 'This server runs trusted documents only: send the hash of one instead of a query.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Send the hash of a trusted document in documentId or extensions.persistedQuery.sha256Hash.',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
      notFound: {
        message: 'Unknown document: this server runs only the documents in its trusted documents manifest.',
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
      },
    },
  });
}
