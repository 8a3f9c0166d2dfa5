import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintOf } from '../../../src/plugins/idempotency/fingerprint.js';

describe('canonicalJson', () => {
  it('writes JSON with object keys sorted at every depth', () => {
    const value = { b: [1, { d: null, c: 'x' }], a: { f: true, e: -1.5 }, '"q"': '\u2028' };
    expect(canonicalJson(value)).toBe('{"\\"q\\"":"\u2028","a":{"e":-1.5,"f":true},"b":[1,{"c":"x","d":null}]}');
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
    expect(canonicalJson({ a: [], b: {} })).toBe('{"a":[],"b":{}}');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes variables nested far deeper than the call stack allows', () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(canonicalJson(JSON.parse(text))).toBe(text);
    let nested: unknown = 'leaf';
    for (let i = 0; i < depth; i++) nested = { k: nested };
    expect(canonicalJson(nested)).toHaveLength(depth * 6 + 6);
  });
});

describe('fingerprintOf', () => {
  it('is the same for the same variables in another order, and differs for another operation name', () => {
    const query = '{ mode }';
    const one = fingerprintOf({ query, variables: { a: 1, b: { c: 2, d: 3 } } });
    expect(fingerprintOf({ query, variables: { b: { d: 3, c: 2 }, a: 1 } })).toBe(one);
    expect(fingerprintOf({ query, variables: { a: 1, b: { c: 2, d: 3 } }, operationName: 'M' })).not.toBe(one);
  });
});
