/**
 * Response compression: brotli or gzip, whichever the client's `Accept-Encoding` prefers (brotli on a tie). Results
 * smaller than one packet travel as they are; static files (GraphiQL's) are compressed once and kept.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';
import { addVary } from './vary.js';

export type Encoding = 'br' | 'gzip';

/** Below about one TCP segment compression saves no round trip, only CPU. */
export const COMPRESSION_THRESHOLD_BYTES = 1400;

const COMPRESSIBLE = /^(application\/(graphql-response\+)?json|text\/|application\/javascript)/;

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** `q` of each coding the header lists; a missing header accepts nothing but identity. */
function qualities(acceptEncoding: string): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (coding !== '' && Number.isFinite(quality)) accepted.set(coding, quality);
  }
  return accepted;
}

/** The encoding to answer `acceptEncoding` with, or `undefined` for none (identity). */
export function preferredEncoding(acceptEncoding: string | null): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = qualities(acceptEncoding);
  const wildcard = accepted.get('*') ?? 0;
  const br = accepted.get('br') ?? wildcard;
  const gz = accepted.get('gzip') ?? accepted.get('x-gzip') ?? wildcard;
  if (br <= 0 && gz <= 0) return undefined;
  return br >= gz ? 'br' : 'gzip';
}

/**
 * `body` compressed. `effort` `static` spends more CPU for a smaller file: for files compressed once and served
 * many times (measured in docs/performance.md); `dynamic` is for a result compressed for one response.
 */
export async function compress(
  body: Uint8Array,
  encoding: Encoding,
  effort: 'static' | 'dynamic',
): Promise<Uint8Array<ArrayBuffer>> {
  const compressed =
    encoding === 'gzip'
      ? await gzipped(body, { level: effort === 'static' ? 9 : 6 })
      : await brotli(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: effort === 'static' ? 9 : 5,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          },
        });
  // A copy the size of the compressed form, into the plain ArrayBuffer a Response body takes.
  return new Uint8Array(compressed);
}

/**
 * Compresses responses of a known length above the threshold; streamed ones (no `Content-Length`), those already
 * encoded and those of other types pass unchanged. Runs on the response as every other plugin left it.
 */
export function useCompression(): Plugin {
  return {
    // Synchronous unless it compresses: most results are below the threshold and cost no extra promise.
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (response.headers.has('content-encoding') || request.method === 'HEAD') return;
      const type = response.headers.get('content-type');
      if (type === null || !COMPRESSIBLE.test(type)) return;
      addVary(response.headers, 'Accept-Encoding');
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (!(length >= COMPRESSION_THRESHOLD_BYTES) || response.body === null) return;
      const encoding = preferredEncoding(request.headers.get('accept-encoding'));
      if (encoding === undefined) return;
      return response.arrayBuffer().then(async (plain) => {
        const body = await compress(new Uint8Array(plain), encoding, 'dynamic');
        const headers = new fetchAPI.Headers(response.headers);
        headers.set('content-encoding', encoding);
        headers.set('content-length', String(body.byteLength));
        setResponse(new fetchAPI.Response(body, { status: response.status, statusText: response.statusText, headers }));
      });
    },
  };
}
