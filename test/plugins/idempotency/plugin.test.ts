/** `Idempotency-Key` through the whole service over real HTTP: replay, conflicts, concurrent duplicates, Redis. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { apiKeyDigest } from '../../../src/plugins/auth/api-keys.js';
import type { RunningService } from '../../../src/server/service.js';
import { useEmulator } from '../../support/emulator.js';
import { redisAvailable, startRedis, useRedis } from '../../support/redis.js';
import {
  CANCEL_QR_CODE,
  DEMO_AGENT,
  post,
  seedQrCode,
  serviceFor,
  useService,
  useServices,
} from '../../support/service.js';

const emulator = useEmulator();
const start = useServices(emulator);

function cancelWithKey(service: RunningService, key: string, qrCodeId: string) {
  return post(
    service.url,
    { query: CANCEL_QR_CODE, variables: { input: { agent: DEMO_AGENT, qrCodeId } } },
    { 'idempotency-key': key },
  );
}

const typename = (reply: Awaited<ReturnType<typeof cancelWithKey>>) => reply.body.data?.result?.__typename;

describe('Idempotency-Key in memory', () => {
  const service = useService(() => serviceFor(emulator.current));

  it('answers a repeat with the first result, without calling Tencent again', async () => {
    const key = randomUUID();
    const qrCodeId = seedQrCode(emulator.current);
    const calls = emulator.current.calls.length;
    const first = await cancelWithKey(service.current, key, qrCodeId);
    const repeat = await cancelWithKey(service.current, key, qrCodeId);
    expect(typename(first)).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(repeat.status).toBe(200);
    expect(repeat.body.data).toEqual(first.body.data);
    expect(repeat.body.extensions).toEqual({ idempotentReplay: true });
    expect(first.body.extensions).toBeUndefined();
    expect(emulator.current.calls.length - calls).toBe(1);
  });

  it('refuses the same key with different variables, sending nothing', async () => {
    const key = randomUUID();
    await cancelWithKey(service.current, key, seedQrCode(emulator.current));
    const calls = emulator.current.calls.length;
    const reused = await cancelWithKey(service.current, key, seedQrCode(emulator.current));
    expect(reused.status).toBe(422);
    expect(reused.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('already used for a different operation or variables'),
        extensions: { code: 'IDEMPOTENCY_KEY_REUSED' },
      }),
    ]);
    expect(emulator.current.calls.length).toBe(calls);
  });

  it('makes concurrent duplicates wait for the first and share its result', async () => {
    const key = randomUUID();
    const qrCodeId = seedQrCode(emulator.current);
    emulator.current.faults.add({ delayMs: 300 });
    const calls = emulator.current.calls.length;
    const replies = await Promise.all([1, 2, 3].map(() => cancelWithKey(service.current, key, qrCodeId)));
    expect(replies.map(typename)).toEqual(Array(3).fill('ChannelCancelMultiFlowSignQRCodeSuccess'));
    expect(new Set(replies.map((reply) => JSON.stringify(reply.body.data))).size).toBe(1);
    expect(replies.filter((reply) => reply.body.extensions?.idempotentReplay)).toHaveLength(2);
    expect(emulator.current.calls.length - calls).toBe(1);
  });

  it('does not keep an outcome that did nothing, so the repeat really runs', async () => {
    const key = randomUUID();
    const qrCodeId = seedQrCode(emulator.current);
    emulator.current.faults.add({ status: 503 });
    expect(typename(await cancelWithKey(service.current, key, qrCodeId))).toBe('UpstreamUnavailableError');
    const repeat = await cancelWithKey(service.current, key, qrCodeId);
    expect(typename(repeat)).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(repeat.body.extensions).toBeUndefined();
  });

  it('refuses a key that is not 1–255 visible ASCII characters', async () => {
    const calls = emulator.current.calls.length;
    const reply = await cancelWithKey(service.current, 'x'.repeat(256), seedQrCode(emulator.current));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_IDEMPOTENCY_KEY' });
    expect(emulator.current.calls.length).toBe(calls);
  });

  it('keeps no record for what sent nothing: a query, or a mutation refused before sending', async () => {
    const key = randomUUID();
    expect((await post(service.current.url, { query: '{ mode }' }, { 'idempotency-key': key })).status).toBe(200);
    const invalid = await cancelWithKey(service.current, key, 'too-short');
    expect(typename(invalid)).toBe('ValidationError');
    // Neither was kept, so the key is still free for the request it was meant for.
    const real = await cancelWithKey(service.current, key, seedQrCode(emulator.current));
    expect(typename(real)).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(real.body.extensions).toBeUndefined();
  });

  it('answers variables nested 20,000 deep like any other request (no stack overflow, no 500)', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const res = await fetch(service.current.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: `{"query":"{ mode }","variables":{"deep":${deep}}}`,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { mode: 'PRODUCTION' } });
  });

  it('leaves requests without the header alone', async () => {
    const qrCodeId = seedQrCode(emulator.current);
    const query = { query: CANCEL_QR_CODE, variables: { input: { agent: DEMO_AGENT, qrCodeId } } };
    expect((await post(service.current.url, query)).body.data?.result?.__typename).toBe(
      'ChannelCancelMultiFlowSignQRCodeSuccess',
    );
    expect((await post(service.current.url, query)).body.data?.result?.__typename).toBe('QrCodeInvalidError');
  });
});

describe('Idempotency-Key per caller', () => {
  it('keeps one caller’s key apart from another’s equal key', async () => {
    const keys = ['first-caller-key-0123456789', 'second-caller-key-0123456789'];
    const service = await start({
      AUTH_API_KEYS: JSON.stringify(
        keys.map((key, i) => ({ name: `caller-${i}`, sha256: apiKeyDigest(key), unrestricted: true })),
      ),
    });
    const key = randomUUID();
    const qrCodeId = seedQrCode(emulator.current);
    const query = { query: CANCEL_QR_CODE, variables: { input: { agent: DEMO_AGENT, qrCodeId } } };
    const calls = emulator.current.calls.length;
    const first = await post(service.url, query, { 'idempotency-key': key, 'x-api-key': keys[0]! });
    const other = await post(service.url, query, { 'idempotency-key': key, 'x-api-key': keys[1]! });
    expect(typename(first)).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(typename(other)).toBe('QrCodeInvalidError');
    expect(other.body.extensions).toBeUndefined();
    expect(emulator.current.calls.length - calls).toBe(2);
  });
});

describe.skipIf(!redisAvailable)('Idempotency-Key shared in Redis', () => {
  const redis = useRedis();

  it('replays on another replica what the first one did', async () => {
    const [a, b] = await Promise.all([start({ REDIS_URL: redis.url }), start({ REDIS_URL: redis.url })]);
    const key = randomUUID();
    const qrCodeId = seedQrCode(emulator.current);
    const calls = emulator.current.calls.length;
    const first = await cancelWithKey(a!, key, qrCodeId);
    const repeat = await cancelWithKey(b!, key, qrCodeId);
    expect(typename(first)).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(repeat.body).toEqual({ ...first.body, extensions: { idempotentReplay: true } });
    expect(emulator.current.calls.length - calls).toBe(1);
    expect((await cancelWithKey(b!, key, seedQrCode(emulator.current))).status).toBe(422);
  });

  it('refuses keyed requests with 503 while Redis is unreachable; the replica stays ready and says why', async () => {
    const down = await startRedis();
    const service = await start({ REDIS_URL: down.url });
    await down.stop();
    const calls = emulator.current.calls.length;
    const reply = await cancelWithKey(service, randomUUID(), seedQrCode(emulator.current));
    expect(reply.status).toBe(503);
    expect(reply.body.errors?.[0]?.extensions).toEqual({ code: 'IDEMPOTENCY_UNAVAILABLE' });
    expect(emulator.current.calls.length).toBe(calls);

    // Unkeyed requests are still served (on this replica's share of the budget): a balancer keeps it in.
    await vi.waitFor(
      async () => {
        const ready = await fetch(new URL('/ready', service.url));
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({
          ready: true,
          redis: 'unreachable',
          budget: expect.stringMatching(/^(isolating|local-share)$/),
        });
      },
      { timeout: 5_000, interval: 50 },
    );
  });
});
