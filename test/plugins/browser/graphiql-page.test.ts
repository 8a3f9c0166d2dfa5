/**
 * GraphiQL's page and files over real HTTP: a small page that revalidates by ETag, content-hashed files a browser
 * keeps for good, each travelling compressed, and a policy that lets only the page's own script and its bundle run.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { startService } from '../../../src/server/service.js';
import { decoded, raw } from '../../support/http.js';
import { EMPTY_HOME, SANDBOX_ENV, useService } from '../../support/service.js';

const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-encoding': 'gzip, deflate, br, zstd' };

describe('the GraphiQL page', () => {
  const service = useService(() => startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false));
  const page = async () => decoded(await raw(service.current.url, { headers: BROWSER })).toString('utf8');
  /** Every file the page loads, by the URL it names (stylesheet, icon, bundle, workers). */
  const files = async () => {
    const html = await page();
    return [...new Set([...html.matchAll(/"(\/graphql\/graphiql\/[^"]+)"/g)].map(([, path]) => path!))];
  };

  it('is small, and names its files by their content', async () => {
    const reply = await raw(service.current.url, { headers: BROWSER });
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBeLessThan(10_000);
    const paths = await files();
    expect(paths.map((path) => path.replace(/\.[\w-]{16}\./, '.#.'))).toEqual(
      expect.arrayContaining([
        '/graphql/graphiql/graphiql.#.css',
        '/graphql/graphiql/favicon.#.ico',
        '/graphql/graphiql/graphiql.#.js',
        '/graphql/graphiql/editor.worker.#.js',
        '/graphql/graphiql/json.worker.#.js',
        '/graphql/graphiql/graphql.worker.#.js',
      ]),
    );
  });

  it('revalidates by its ETag: a browser that has it gets 304 and no body', async () => {
    const first = await raw(service.current.url, { headers: BROWSER });
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await raw(service.current.url, { headers: { ...BROWSER, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
  });

  it('serves each file for good, compressed, decoding to the bytes its name hashes', async () => {
    for (const path of await files()) {
      const url = new URL(path, service.current.url).href;
      const plain = await raw(url);
      expect(plain.status).toBe(200);
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.headers['content-encoding']).toBeUndefined();
      const hash = createHash('sha256').update(plain.body).digest('base64url').slice(0, 16);
      expect(path).toContain(`.${hash}.`);
      for (const encoding of ['br', 'gzip']) {
        const compressed = await raw(url, { headers: { 'accept-encoding': encoding } });
        expect(compressed.headers['content-encoding']).toBe(encoding);
        expect(compressed.headers.vary).toMatch(/accept-encoding/i);
        expect(decoded(compressed).equals(plain.body)).toBe(true);
      }
    }
  });

  it('travels in about a fifth of its bytes with brotli', async () => {
    let plainBytes = 0;
    let brotliBytes = 0;
    for (const path of await files()) {
      const url = new URL(path, service.current.url).href;
      plainBytes += (await raw(url)).body.length;
      brotliBytes += (await raw(url, { headers: { 'accept-encoding': 'br' } })).body.length;
    }
    expect(plainBytes).toBeGreaterThan(8_000_000);
    expect(brotliBytes).toBeLessThan(plainBytes / 4);
  });

  it('loads its bundle by integrity hash, under a policy that runs only its own script and what that loads', async () => {
    const html = await page();
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) => body!);
    expect(scripts).toHaveLength(1);
    const inline = createHash('sha256').update(scripts[0]!, 'utf8').digest('base64');
    expect(policy).toContain(`script-src 'sha256-${inline}' 'strict-dynamic';`);
    expect(policy).not.toMatch(/unsafe-eval|script-src[^;]*'self'/);
    const bundlePath = /bundle\.src = "([^"]+)"/.exec(scripts[0]!)![1]!;
    const integrity = /bundle\.integrity = "([^"]+)"/.exec(scripts[0]!)![1]!;
    const bundle = (await raw(new URL(bundlePath, service.current.url).href)).body;
    expect(integrity).toBe(`sha256-${createHash('sha256').update(bundle).digest('base64')}`);
  });

  it('answers 404 for a file it does not have', async () => {
    const reply = await raw(new URL('/graphql/graphiql/graphiql.0000000000000000.js', service.current.url).href);
    expect(reply.status).toBe(404);
  });
});
