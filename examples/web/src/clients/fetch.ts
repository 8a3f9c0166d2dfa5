/** The page's default client: `fetch` and typed documents, no library. */
import type { TadaDocumentNode } from 'gql.tada';
import { print } from 'graphql';
import { GraphQLRequestError, type PageClient, ServiceUnreachableError, type Variables } from './client.js';

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: { message: string }[];
}

async function execute<Data, V extends Variables>(document: TadaDocumentNode<Data, V>, variables: V): Promise<Data> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch (error) {
    throw new ServiceUnreachableError(String(error));
  }
  // A proxy or gateway answering for a service that is down sends no GraphQL JSON.
  if (!/json/.test(response.headers.get('content-type') ?? '')) {
    throw new ServiceUnreachableError(`HTTP ${response.status} without a GraphQL response`);
  }
  const body = (await response.json()) as GraphQLResponse<Data>;
  if (body.errors?.length || !body.data) {
    throw new GraphQLRequestError(
      body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status} without data`,
    );
  }
  return body.data;
}

export const client: PageClient = { name: 'fetch', query: execute, mutate: execute };
