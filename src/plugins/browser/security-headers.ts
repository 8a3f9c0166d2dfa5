/** Security headers on every response; the GraphiQL page gets its script policy from graphiql.ts. */
import type { Plugin } from 'graphql-yoga';

/** Applies to the GraphiQL page on top of its own script policy (a `<meta>` cannot say frame-ancestors). */
const PAGE_POLICY = "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'none'";
/** JSON answers are never rendered; nothing in them may load or run. */
const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** The security headers every response carries; the GraphiQL page (HTML) gets the page policy. */
export function securityHeaders(html: boolean): Record<string, string> {
  return {
    'Content-Security-Policy': html ? PAGE_POLICY : DATA_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  };
}

export function useSecurityHeaders(): Plugin {
  const page = Object.entries(securityHeaders(true));
  const data = Object.entries(securityHeaders(false));
  return {
    onResponse({ response }) {
      const html = response.headers.get('content-type')?.startsWith('text/html') ?? false;
      for (const [name, value] of html ? page : data) response.headers.set(name, value);
    },
  };
}
