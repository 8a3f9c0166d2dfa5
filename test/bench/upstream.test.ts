/** The fake upstream answers signed calls with success and keeps no state; unsigned ones are refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TencentClient } from '../../src/tencent/client.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';
import { startUpstream } from '../../bench/upstream.js';
import { CREDENTIALS, INPUT, UPSTREAM_REQUEST_ID, wireRequest } from '../../bench/workload.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let client: TencentClient;
beforeAll(async () => {
  upstream = await startUpstream();
  client = new TencentClient({
    credentials: CREDENTIALS,
    endpoints: { ess: upstream.url, essbasic: upstream.url },
    timeoutMs: 2000,
  });
});
afterAll(async () => {
  await client.close();
  await upstream.close();
});

describe('fake upstream', () => {
  it('answers the same cancel with success every time', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await client.call(ChannelCancelMultiFlowSignQRCode, wireRequest(INPUT))).toEqual({
        ok: true,
        requestId: UPSTREAM_REQUEST_ID,
        reply: {},
      });
    }
  });

  it('refuses a call that carries no TC3 signature', async () => {
    const res = await fetch(upstream.url, {
      method: 'POST',
      body: '{}',
      headers: { 'x-tc-action': 'ChannelCancelMultiFlowSignQRCode' },
    });
    expect(await res.json()).toMatchObject({ Response: { Error: { Code: 'AuthFailure.SignatureFailure' } } });
  });
});
