/** `npm run example`: the example page on http://127.0.0.1:5173, its `/graphql` proxied to the service. */
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

/** Where `npm start` listens by default; `GRAPHQL_ORIGIN` points the page elsewhere. */
const DEFAULT_GRAPHQL_ORIGIN = 'http://127.0.0.1:4000';

export function exampleConfig(graphqlOrigin: string): UserConfig {
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    // Same origin for the page and its API, so the service needs no CORS set-up.
    server: { host: '127.0.0.1', port: 5173, proxy: { '/graphql': graphqlOrigin } },
  };
}

export default defineConfig(exampleConfig(process.env.GRAPHQL_ORIGIN ?? DEFAULT_GRAPHQL_ORIGIN));
