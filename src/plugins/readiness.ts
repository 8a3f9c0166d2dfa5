/**
 * `GET /ready`: this replica should get traffic: configuration loaded, not
 * shutting down, and Redis reachable when configured. (`GET /health`, the
 * process is alive, is yoga's own.) An open breaker is reported but keeps the
 * replica ready: it answers at once with a typed error, and every replica
 * shares the same sick upstream, so taking replicas out would not help.
 */
import type { Plugin } from 'graphql-yoga';

export interface Readiness {
  ready: boolean;
  [detail: string]: unknown;
}

export function useReadiness(readiness: () => Readiness): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/ready' || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const state = readiness();
      const body = JSON.stringify({ status: state.ready ? 'ready' : 'unready', ...state });
      endResponse(
        new fetchAPI.Response(body, {
          status: state.ready ? 200 : 503,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}
