/**
 * CSRF prevention: refuses the requests a page on any site can make a browser send without a CORS preflight (a GET,
 * a form post, a text/plain post) unless they carry a header only a preflighted request can. graphql-yoga's plugin
 * does the same but answers "Required CSRF header(s) not present" without saying which header; this one names it.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** The header a GET must carry: graphql-yoga's name, which its clients and docs use. */
export const CSRF_HEADER = 'X-GraphQL-Yoga-CSRF';

/** Also accepted: what Apollo Client's and Apollo Server's users already send for the same purpose. */
const ACCEPTED_HEADERS = [CSRF_HEADER, 'Apollo-Require-Preflight', 'X-Apollo-Operation-Name'].map((name) =>
  name.toLowerCase(),
);

/** Bodies a browser sends cross-site without asking first. */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

const preflighted = (contentType: string | null) =>
  contentType !== null && !SIMPLE_CONTENT_TYPES.some((simple) => contentType.toLowerCase().startsWith(simple));

export const CSRF_REFUSAL =
  `This request could come from a page on any site. Send a POST with Content-Type: application/json, ` +
  `or add the header ${CSRF_HEADER} (any value) to a GET.`;

export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (preflighted(request.headers.get('content-type'))) return;
      if (ACCEPTED_HEADERS.some((name) => request.headers.has(name))) return;
      throw createGraphQLError(CSRF_REFUSAL, { extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } } });
    },
  };
}
