import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite would pick graphql's `module` build (index.mjs) while Pothos and yoga get Node's (index.js): two copies of
  // graphql whose schemas cannot meet. Point `graphql` at the file Node picks.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that start the service as `npm start` does run the compiled dist/: rebuilt first when stale.
    globalSetup: ['test/support/build.ts'],
    // Files share their worker's modules instead of importing yoga, Pothos and the schema afresh each: on two cores
    // that import time was about a third of the run. No test relies on module state of its own.
    isolate: false,
    testTimeout: 20_000,
  },
});
