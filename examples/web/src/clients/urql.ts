/** urql with Graphcache, set up as docs/frontend.md shows. */
import { Client, type CombinedError, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { schema } from '../../../../client/introspection.js';
import { GraphQLRequestError, type PageClient, ServiceUnreachableError } from './client.js';

export const urql = new Client({
  url: '/graphql',
  // urql sends queries as GET by default; the service refuses a GET without the X-GraphQL-Yoga-CSRF header (a page
  // on any site could make a browser send one). POST everything, or add that header in `fetchOptions`.
  preferGetMethod: false,
  // Schema awareness (`npm run schema` writes the schema minified): Graphcache matches `... on Error` and
  // `... on TencentError` by the schema instead of guessing from the fields that came back.
  exchanges: [cacheExchange({ schema }), fetchExchange],
});

function explained(error: CombinedError): Error {
  if (error.networkError || error.graphQLErrors.length === 0) return new ServiceUnreachableError(error.message);
  return new GraphQLRequestError(error.graphQLErrors.map((e) => e.message).join('; '));
}

export const client: PageClient = {
  name: 'urql + Graphcache',
  async query(query, variables) {
    const { data, error } = await urql.query(query, variables, { requestPolicy: 'network-only' }).toPromise();
    if (error) throw explained(error);
    if (data === undefined) throw new GraphQLRequestError('no data');
    return data;
  },
  async mutate(mutation, variables) {
    const { data, error } = await urql.mutation(mutation, variables).toPromise();
    if (error) throw explained(error);
    if (data === undefined) throw new GraphQLRequestError('no data');
    return data;
  },
};
