/**
 * docs/frontend.md's code is the code the tests run: the client set-ups are the example page's modules (driven in
 * Chromium), the eviction recipe and the link id are what the Node tests execute.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Lines trimmed and blank ones dropped, so indentation at another depth does not matter. */
const lines = (code: string) =>
  code
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');

/** The code from the line starting with `first` through the next line that is exactly `last` (trimmed). */
function block(source: string, first: string, last: string): string {
  const all = source.split('\n');
  const start = all.findIndex((line) => line.trim().startsWith(first));
  const end = all.findIndex((line, index) => index > start && line.trim() === last);
  expect(start, `no line starting ${first}`).toBeGreaterThanOrEqual(0);
  return all.slice(start, end + 1).join('\n');
}

const guide = lines(read('docs/frontend.md'));

describe('docs/frontend.md', () => {
  it.each([
    ['Apollo Client 4', 'examples/web/src/clients/apollo.ts', 'export const apollo = new ApolloClient({', '});'],
    ['urql', 'examples/web/src/clients/urql.ts', 'export const urql = new Client({', '});'],
    ['the eviction recipe', 'test/examples/eviction.test.ts', 'update(cache, { data }) {', '},'],
    ['the link id', 'test/resolvers/sandbox-and-identifiers.test.ts', 'async function linkId(', '}'],
  ])('shows %s as %s runs it', (_what, file, first, last) => {
    expect(guide).toContain(lines(block(read(file), first, last)));
  });
});
