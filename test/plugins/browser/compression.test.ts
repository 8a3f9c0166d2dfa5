/** Compression over real HTTP: what travels is smaller, decodes to the same bytes, and small results pass as they are. */
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { COMPRESSION_THRESHOLD_BYTES, preferredEncoding } from '../../../src/plugins/browser/compression.js';
import { startService } from '../../../src/server/service.js';
import { decoded, raw } from '../../support/http.js';
import { EMPTY_HOME, SANDBOX_ENV, useService } from '../../support/service.js';

describe('preferredEncoding', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['gzip, deflate, br, zstd', 'br'],
    ['deflate, gzip, br, zstd', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['gzip;q=0, *', 'br'],
    ['br;q=0, *;q=0.1', 'gzip'],
    ['GZIP', 'gzip'],
  ])('answers %j with %s', (header, expected) => {
    expect(preferredEncoding(header)).toBe(expected);
  });
});

describe('GraphQL results', () => {
  const service = useService(() => startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false));
  const post = (query: string, acceptEncoding?: string) =>
    raw(service.current.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
      },
      body: JSON.stringify({ query }),
    });

  it.each(['br', 'gzip'])(
    'above the threshold travel %s-compressed when accepted, and decode to the result',
    async (encoding) => {
      const plain = await post(getIntrospectionQuery());
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(COMPRESSION_THRESHOLD_BYTES);
      const compressed = await post(getIntrospectionQuery(), encoding);
      expect(compressed.headers['content-encoding']).toBe(encoding);
      expect(compressed.headers.vary).toMatch(/accept-encoding/i);
      expect(Number(compressed.headers['content-length'])).toBe(compressed.body.length);
      expect(compressed.body.length).toBeLessThan(plain.body.length / 4);
      expect(JSON.parse(decoded(compressed).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    },
  );

  it('below the threshold travel as they are, marked as varying by Accept-Encoding', async () => {
    const reply = await post('{ mode }', 'gzip, deflate, br');
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(reply.body.toString('utf8'))).toEqual({ data: { mode: 'SANDBOX' } });
  });
});
