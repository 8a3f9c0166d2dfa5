/** The README's example selection is the one the example page sends, so the page's browser tests prove the README. */
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CancelQrCode } from '../../examples/web/src/operations.js';
import { readmeSelection } from '../support/readme.js';

describe('the README’s example selection', () => {
  it('is the example page’s CancelQrCode, field for field', () => {
    expect(print(parse(readmeSelection()))).toBe(print(CancelQrCode));
  });
});
