/**
 * Trusted documents (persisted operations): when a manifest is configured
 * (see config/trusted-documents.ts) the server runs only its documents. Clients send the hash the way
 * Apollo's persisted queries do (`extensions.persistedQuery.sha256Hash`) or
 * as GraphQL over HTTP's persisted documents do (`documentId`, optionally
 * prefixed `sha256:`).
 */
import { defaultExtractPersistedOperationId, usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import type { TrustedDocuments } from '../../config/trusted-documents.js';

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
