/** Which pages may call the API from another origin: yoga's `cors` option, decided per request, and `Vary: Origin`. */
import type { Plugin } from 'graphql-yoga';
import type { BrowserConfig } from '../../config/index.js';
import { addVary } from './vary.js';

const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** Response headers a page on another origin may read: the id support asks for, and when to retry or how to sign in. */
export const EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'];

/** What yoga's `cors` option takes for one request: `false` sends no CORS headers, so the browser refuses. */
type CorsDecision =
  | { origin: string[]; credentials: false; methods: string[]; exposedHeaders: string[]; maxAge: number }
  | false;

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
    return {
      origin: [origin],
      credentials: false,
      methods: ['GET', 'POST'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    };
  };
}

/**
 * Whether a response carries `Access-Control-Allow-Origin`, and which, depends on the request's `Origin`, so a cache
 * must not answer one origin with what another was sent. Every response says so when any origin can be allowed.
 */
export function useVaryOrigin(config: BrowserConfig): Plugin {
  if (config.corsOrigins !== 'loopback' && config.corsOrigins.length === 0) return {};
  return {
    onResponse({ response }) {
      addVary(response.headers, 'Origin');
    },
  };
}
