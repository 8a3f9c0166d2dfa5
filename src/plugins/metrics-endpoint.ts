/** `GET /metrics`: the Prometheus text exposition of a registry, served by the yoga app beside `/graphql`. */
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';

export function useMetricsEndpoint(registry: Registry): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== METRICS_PATH) return;
      if (request.method !== 'GET') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET' } }));
        return;
      }
      // A throw here would escape to the HTTP server: answer 500 instead.
      try {
        const text = await registry.metrics();
        endResponse(new fetchAPI.Response(text, { headers: { 'content-type': registry.contentType } }));
      } catch {
        endResponse(new fetchAPI.Response('metrics unavailable\n', { status: 500 }));
      }
    },
  };
}
