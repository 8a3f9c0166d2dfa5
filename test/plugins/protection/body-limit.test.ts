/** The request body limit, over real HTTP: declared and chunked bodies above it get 413 and reach nothing. */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/emulator.js';
import { serviceFor, useService, useServices } from '../../support/service.js';

const emulator = useEmulator();
const service = useService(() => serviceFor(emulator.current));
// Services with other settings, for one test each.
const start = useServices(emulator);

/** A valid request for one cancel, padded with whitespace (which no document limit counts) to `bytes`. */
function paddedRequest(bytes: number): string {
  const request = JSON.stringify({
    query:
      'mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { channelCancelMultiFlowSignQRCode(input: $input) { __typename } }',
    variables: {
      input: {
        agent: { appId: 'app', proxyOrganizationOpenId: 'org', proxyOperator: { openId: 'op' } },
        qrCodeId: 'Q'.repeat(32),
      },
    },
  });
  return `${request.slice(0, -1)}${' '.repeat(bytes - Buffer.byteLength(request))}}`;
}

/** The body in 64 kB chunks with no Content-Length, so it goes out with chunked transfer encoding. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 65_536));
      offset += 65_536;
    },
  });
}

async function post(body: string | ReadableStream<Uint8Array>, url = service.current.url): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit);
}

describe('request body limit', () => {
  const twoMegabytes = paddedRequest(2 * 1024 * 1024);

  it.each([
    ['with Content-Length', () => twoMegabytes],
    ['chunked, with no length declared', () => chunked(twoMegabytes)],
  ])('answers 413 to a 2 MB body sent %s, calling nothing upstream', async (_how, body) => {
    const before = emulator.current.calls.length;
    const res = await post(body());
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errors: [{ message: 'Request body is larger than 100000 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    expect(emulator.current.calls.length).toBe(before);
  });

  it.each([
    ['with Content-Length', () => paddedRequest(100_000)],
    ['chunked', () => chunked(paddedRequest(100_000))],
  ])('runs a body of exactly the limit sent %s', async (_how, body) => {
    const res = await post(body());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      data: { channelCancelMultiFlowSignQRCode: { __typename: 'QrCodeNotFoundError' } },
    });
  });

  it('takes the limit from MAX_BODY_BYTES', async () => {
    const small = await start({ MAX_BODY_BYTES: '1000' });
    expect((await post(paddedRequest(1_001), small.url)).status).toBe(413);
    expect((await post(chunked(paddedRequest(1_001)), small.url)).status).toBe(413);
    expect((await post(paddedRequest(1_000), small.url)).status).toBe(200);
  });
});
