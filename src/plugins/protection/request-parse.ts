/**
 * A request whose parameters cannot be read is the client's fault: HTTP 400 `BAD_REQUEST`, never 500. yoga parses
 * a GET's or a form's `variables` and `extensions` with JSON.parse and lets its SyntaxError through, which would be
 * masked as an unexpected fault (and logged as one); its JSON bodies it already refuses with 400.
 */
import { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const unreadable = () =>
  createGraphQLError('The request’s parameters could not be read: variables and extensions must be JSON objects.', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });

export function useRequestParseErrors(): Plugin {
  return {
    // After yoga's own hooks have chosen the parser for this request's method and content type.
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          throw unreadable();
        }
      });
    },
  };
}
