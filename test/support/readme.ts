/** Test helper: what the README tells a frontend to copy. */
import { readFileSync } from 'node:fs';

/** The README's first `graphql` block: the example selection of a result union. */
export function readmeSelection(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /```graphql\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no graphql block');
  return block;
}
