/** Apollo Client 4, set up as docs/frontend.md shows. */
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { possibleTypes } from '../../../../client/possible-types.js';
import { GraphQLRequestError, type PageClient, ServiceUnreachableError } from './client.js';

export const apollo = new ApolloClient({
  link: new HttpLink({ uri: '/graphql' }),
  // The schema's unions and interfaces (`npm run schema` writes them): without them the cache cannot tell that
  // a QrCodeInvalidError is an Error and a TencentError, and drops what `... on Error` and `... on TencentError` select.
  cache: new InMemoryCache({ possibleTypes }),
});

/** Apollo's failures as the page tells them apart: GraphQL errors, or no GraphQL answer at all. */
function explained(error: unknown): Error {
  if (CombinedGraphQLErrors.is(error)) return new GraphQLRequestError(error.errors.map((e) => e.message).join('; '));
  return new ServiceUnreachableError(error instanceof Error ? error.message : String(error));
}

export const client: PageClient = {
  name: 'Apollo Client 4',
  async query(query, variables) {
    const { data } = await apollo.query({ query, variables, fetchPolicy: 'network-only' }).catch((error: unknown) => {
      throw explained(error);
    });
    if (data === undefined) throw new GraphQLRequestError('no data');
    return data;
  },
  async mutate(mutation, variables) {
    const { data } = await apollo.mutate({ mutation, variables }).catch((error: unknown) => {
      throw explained(error);
    });
    if (data == null) throw new GraphQLRequestError('no data');
    return data;
  },
};
