/** Sends a typed document to the layer's `/graphql` (proxied to the service by Vite's dev server). */
import type { TadaDocumentNode } from 'gql.tada';
import { print } from 'graphql';

/** A response with top-level `errors`: a malformed request or an unexpected fault, never an expected outcome. */
class GraphQLRequestError extends Error {
  override name = 'GraphQLRequestError';
}

interface Response<Data> {
  data?: Data | null;
  errors?: { message: string }[];
}

export async function execute<Data, Variables>(
  document: TadaDocumentNode<Data, Variables>,
  variables: Variables,
): Promise<Data> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as Response<Data>;
  if (body.errors?.length || !body.data) {
    throw new GraphQLRequestError(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status} without data`);
  }
  return body.data;
}
