/** What the page needs of a GraphQL client; one module per library implements it (fetch.ts, apollo.ts, urql.ts). */
import type { TadaDocumentNode } from 'gql.tada';

export type Variables = Record<string, unknown>;

export interface PageClient {
  /** Shown on the page, so a reader sees which client answered. */
  name: string;
  query<Data, V extends Variables>(document: TadaDocumentNode<Data, V>, variables: V): Promise<Data>;
  mutate<Data, V extends Variables>(document: TadaDocumentNode<Data, V>, variables: V): Promise<Data>;
}

/** No GraphQL answer at all: the service is down, or something in between answered instead of it. */
export class ServiceUnreachableError extends Error {
  override name = 'ServiceUnreachableError';
}

/** A response with top-level `errors`: a malformed request or an unexpected fault, never an expected outcome. */
export class GraphQLRequestError extends Error {
  override name = 'GraphQLRequestError';
}
