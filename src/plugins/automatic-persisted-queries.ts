/**
 * Automatic persisted queries, as Apollo Client's `PersistedQueryLink` and urql's `persistedExchange` speak them:
 * a client sends only `extensions.persistedQuery.sha256Hash`; an unknown hash answers `PersistedQueryNotFound`, and
 * the client sends the document once with its hash, which is kept from then on. Only documents that passed
 * validation are kept, in a store bounded by bytes (least recently used first out), so no client can grow it.
 * Outside trusted-documents mode only; with a manifest, useTrustedDocuments answers hashes instead.
 */
import { createHash } from 'node:crypto';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Documents by hash, least recently used first; `maxBytes` bounds the sum of their lengths in UTF-8. */
export class DocumentStore {
  private readonly documents = new Map<string, { document: string; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(hash: string): string | undefined {
    const entry = this.documents.get(hash);
    if (entry === undefined) return undefined;
    this.documents.delete(hash);
    this.documents.set(hash, entry);
    return entry.document;
  }

  set(hash: string, document: string): void {
    const bytes = Buffer.byteLength(document, 'utf8');
    if (bytes > this.maxBytes || this.documents.has(hash)) return;
    this.documents.set(hash, { document, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.documents) {
      if (this.bytes <= this.maxBytes) break;
      this.documents.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  get size(): number {
    return this.documents.size;
  }
}

interface PersistedQuery {
  version: 1;
  sha256Hash: string;
}

const isPersistedQuery = (value: unknown): value is PersistedQuery =>
  value !== null &&
  typeof value === 'object' &&
  'version' in value &&
  value.version === 1 &&
  'sha256Hash' in value &&
  typeof value.sha256Hash === 'string';

// The messages and codes are the ones the clients look for; 400, as for any request that carries no runnable query.
const notFound = () =>
  createGraphQLError('PersistedQueryNotFound', {
    extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
  });
const notSupported = () =>
  createGraphQLError('PersistedQueryNotSupported', {
    extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED', http: { status: 400 } },
  });
const mismatch = () =>
  createGraphQLError('PersistedQueryMismatch: sha256Hash is not the SHA-256 (hex) of the query sent', {
    extensions: { code: 'PERSISTED_QUERY_MISMATCH', http: { status: 400 } },
  });

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** `maxBytes` 0: no store; a hash alone answers `PersistedQueryNotSupported`, so clients stop sending hashes. */
export function useAutomaticPersistedQueries(maxBytes: number): Plugin {
  const store = new DocumentStore(maxBytes);
  // A document sent with its hash, kept once it validated. Keyed by the operation's context object.
  const pending = new WeakMap<object, PersistedQuery & { query: string }>();
  return {
    onParams({ params, setParams, context }) {
      const persisted = params.extensions?.persistedQuery;
      if (!isPersistedQuery(persisted)) return;
      if (params.query == null) {
        if (maxBytes === 0) throw notSupported();
        const query = store.get(persisted.sha256Hash.toLowerCase());
        if (query === undefined) throw notFound();
        setParams({ ...params, query });
        return;
      }
      if (maxBytes === 0) return;
      if (persisted.sha256Hash.toLowerCase() !== sha256(params.query)) throw mismatch();
      pending.set(context, { ...persisted, query: params.query });
    },
    onValidate({ context }) {
      return ({ valid }) => {
        const sent = pending.get(context);
        if (valid && sent) store.set(sent.sha256Hash.toLowerCase(), sent.query);
      };
    },
  };
}
