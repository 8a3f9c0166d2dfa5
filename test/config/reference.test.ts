/** The configuration reference is printed from the schema; the committed copy must match it, and read every variable. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationReference, REFERENCE_FILE } from '../../src/config/reference.js';
import { Environment } from '../../src/config/schema.js';

describe('docs/configuration.md', () => {
  it('is up to date with the configuration schema', () => {
    const committed = readFileSync(REFERENCE_FILE, 'utf8');
    expect(committed, 'docs/configuration.md is out of date: run `npm run docs`').toBe(configurationReference());
  });

  it('lists every variable the schema reads, each with a meaning', () => {
    const reference = configurationReference();
    for (const name of Object.keys(Environment.shape))
      expect(reference).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});
