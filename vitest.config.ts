import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One graphql instance: the CommonJS build that Node (and so Pothos and yoga) loads, not the `module` build
  // Vite would pick for our sources, or a schema would come from "another module or realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
