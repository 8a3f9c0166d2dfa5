import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite would pick graphql's `module` build (index.mjs) while Pothos and yoga get Node's (index.js): two copies of
  // graphql whose schemas cannot meet. Point `graphql` at the file Node picks.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
