/**
 * What browsers may do: the CORS allowlist, and security headers on every
 * response (the GraphiQL page gets its script policy from graphiql-csp.ts).
 */
import type { Plugin } from 'graphql-yoga';
import type { BrowserConfig } from './auth/config.js';

const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** What yoga's `cors` option takes for one request: `false` sends no CORS headers, so the browser refuses. */
type CorsDecision = { origin: string[]; credentials: false; methods: string[]; maxAge: number } | false;

export function corsPolicy(config: BrowserConfig): (request: Request) => CorsDecision {
  const { corsOrigins } = config;
  const allowed =
    corsOrigins === 'loopback'
      ? (origin: string) => LOOPBACK_ORIGIN.test(origin)
      : (origin: string) => corsOrigins.includes(origin);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed(origin)) return false;
    // Credentials travel in headers (Authorization, X-API-Key), never cookies, so none are allowed cross-origin.
    return { origin: [origin], credentials: false, methods: ['GET', 'POST'], maxAge: 600 };
  };
}

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
