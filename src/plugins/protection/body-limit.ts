/**
 * Refuses request bodies above a size with HTTP 413 before anything parses
 * them: by the declared `Content-Length`, and for chunked bodies (no length
 * declared) by counting the bytes as they arrive.
 */
import type { FetchAPI, Plugin } from 'graphql-yoga';

function tooLarge(fetchAPI: FetchAPI, maxBytes: number): Response {
  const body = {
    errors: [{ message: `Request body is larger than ${maxBytes} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
  };
  // The rest of the body is not read, so the connection cannot carry another request.
  const headers = { 'content-type': 'application/json', connection: 'close' };
  return new fetchAPI.Response(JSON.stringify(body), { status: 413, headers });
}

/** The body as bytes, or `undefined` as soon as it grows past `maxBytes`. */
async function readAtMost(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export function useBodyLimit(maxBytes: number): Plugin {
  return {
    async onRequest({ request, setRequest, endResponse, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        // Node's HTTP parser never delivers more than the declared length, so the header can be trusted.
        if (Number(declared) > maxBytes) endResponse(tooLarge(fetchAPI, maxBytes));
        return;
      }
      if (request.body === null) return;
      const bytes = await readAtMost(request.body, maxBytes);
      if (bytes === undefined) {
        endResponse(tooLarge(fetchAPI, maxBytes));
        return;
      }
      setRequest(new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, body: bytes }));
    },
  };
}
