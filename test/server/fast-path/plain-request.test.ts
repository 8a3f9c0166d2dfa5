import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { headerSource, plainParams, plainRequestLength } from '../../../src/server/fast-path/plain-request.js';

const PLAIN = { 'content-type': 'application/json', 'content-length': '120' };

function requestWith(headers: Record<string, string | string[]>, method = 'POST', url = '/graphql'): IncomingMessage {
  return { method, url, headers } as unknown as IncomingMessage;
}

describe('plainRequestLength', () => {
  it('takes a JSON POST to the endpoint with a declared length within the limit', () => {
    expect(plainRequestLength(requestWith(PLAIN), '/graphql', 1_000)).toBe(120);
    for (const accept of ['application/json', '*/*']) {
      expect(plainRequestLength(requestWith({ ...PLAIN, accept }), '/graphql', 1_000)).toBe(120);
    }
    const charset = { ...PLAIN, 'content-type': 'application/json; charset=UTF-8' };
    expect(plainRequestLength(requestWith(charset), '/graphql', 1_000)).toBe(120);
  });

  it('leaves everything else to yoga', () => {
    const refused: [Record<string, string>, string?, string?][] = [
      [PLAIN, 'GET'],
      [PLAIN, 'POST', '/graphql?query=x'],
      [PLAIN, 'POST', '/ready'],
      [{ ...PLAIN, origin: 'http://localhost:5173' }],
      [{ ...PLAIN, 'idempotency-key': 'k-1' }],
      [{ ...PLAIN, 'content-encoding': 'gzip' }],
      [{ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
      [{ ...PLAIN, 'content-type': 'text/plain' }],
      [{ ...PLAIN, 'content-type': 'application/graphql+json' }],
      [{ ...PLAIN, accept: 'application/graphql-response+json' }],
      [{ ...PLAIN, accept: 'text/event-stream' }],
      [{ ...PLAIN, 'content-length': '0' }],
      [{ ...PLAIN, 'content-length': '1001' }],
      [{ ...PLAIN, 'content-length': '1e2' }],
      [{ 'content-type': 'application/json' }],
    ];
    for (const [headers, method, url] of refused) {
      expect(
        plainRequestLength(requestWith(headers, method, url), '/graphql', 1_000),
        JSON.stringify(headers),
      ).toBeUndefined();
    }
  });
});

describe('plainParams', () => {
  const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

  it('reads a query with optional variables and operation name', () => {
    expect(plainParams(body({ query: '{ a }' }))).toEqual({
      query: '{ a }',
      variables: undefined,
      operationName: undefined,
    });
    expect(plainParams(body({ query: '{ a }', variables: null, operationName: null }))).toEqual({
      query: '{ a }',
      variables: undefined,
      operationName: undefined,
    });
    expect(plainParams(body({ query: 'query A { a }', variables: { x: 1 }, operationName: 'A' }))).toEqual({
      query: 'query A { a }',
      variables: { x: 1 },
      operationName: 'A',
    });
  });

  it('refuses anything else, so yoga answers it', () => {
    for (const value of [
      '{"query": ',
      '"{ a }"',
      'null',
      [{ query: '{ a }' }],
      {},
      { query: 1 },
      { query: '{ a }', variables: [1] },
      { query: '{ a }', variables: 'x' },
      { query: '{ a }', operationName: 7 },
      { query: '{ a }', extensions: { persistedQuery: {} } },
      '{"query": "{ a }", "__proto__": {"polluted": true}}',
    ]) {
      expect(plainParams(body(value)), JSON.stringify(value)).toBeUndefined();
    }
  });
});

describe('headerSource', () => {
  it('reads single headers, absent ones as null, and a repeated one as an empty (refused) value', () => {
    const headers = headerSource({ 'x-api-key': 'k', 'set-cookie': ['a', 'b'] });
    expect(headers.get('x-api-key')).toBe('k');
    expect(headers.get('authorization')).toBeNull();
    expect(headers.get('set-cookie')).toBe('');
  });
});
