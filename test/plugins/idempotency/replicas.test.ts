/**
 * `Idempotency-Key` through faults, with real processes: two compiled replicas sharing one redis-server, one of
 * them SIGKILLed mid-request, and Redis restarted with and without its append-only file.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capturedLog } from '../../support/captured-log.js';
import { useEmulator } from '../../support/emulator.js';
import { type ServiceProcess, spawnService } from '../../support/process.js';
import { type RedisServer, redisAvailable, startRedis } from '../../support/redis.js';
import { type Relay, startRelay } from '../../support/relay.js';
import { CANCEL_QR_CODE, DEMO_AGENT, type HttpReply, post, seedQrCode, serviceFor } from '../../support/service.js';

const emulator = useEmulator();
const CANCEL = 'ChannelCancelMultiFlowSignQRCode';
/** The task's bound on taking over a dead replica's key: one lease (3 s) and a poll, with room for a busy machine. */
const TAKEOVER_BOUND_MS = 5_000;

const cancelWithKey = (url: string, key: string, qrCodeId: string) =>
  post(
    url,
    { query: CANCEL_QR_CODE, variables: { input: { agent: DEMO_AGENT, qrCodeId } } },
    { 'idempotency-key': key },
  );
const typename = (reply: HttpReply) => reply.body.data?.result?.__typename;
const cancelsReceived = () => emulator.current.calls.filter((call) => call.action === CANCEL).length;

/** Timed from the call, so what is measured is the survivor's answer. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function sigkill(replica: ServiceProcess): Promise<void> {
  const exited = new Promise((resolve) => replica.child.once('exit', resolve));
  replica.child.kill('SIGKILL');
  await exited;
}

describe.skipIf(!redisAvailable)('Idempotency-Key when a replica dies mid-request', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) {
      await step();
    }
  }, 60_000);

  const relayTo = async (port: number, options: Parameters<typeof startRelay>[1]): Promise<Relay> => {
    const relay = await startRelay({ host: '127.0.0.1', port }, options);
    cleanup.push(() => relay.close());
    return relay;
  };

  /** Two replicas sharing a fresh redis-server; `throughRelays` puts replica A's Tencent or Redis behind a relay. */
  async function setUp(throughRelays: (redisPort: number) => Promise<NodeJS.ProcessEnv>) {
    const server = await startRedis();
    cleanup.push(() => server.stop());
    const redis = new Redis(server.url);
    cleanup.push(() => redis.quit());
    const shared = { REDIS_URL: server.url };
    const [a, b] = await Promise.all([
      spawnService(emulator.current, { ...shared, ...(await throughRelays(server.port)) }),
      spawnService(emulator.current, shared),
    ]);
    cleanup.push(
      () => a!.stop(),
      () => b!.stop(),
    );
    // Until both have heartbeated twice, the first to start may hold the whole budget as its share, which Redis keeps
    // reserved for minutes once it dies: wait until they hold half each.
    await vi.waitFor(
      async () => expect(Object.values(await redis.hgetall('{esign-budget}:shares'))).toEqual(['10', '10']),
      { timeout: 10_000, interval: 50 },
    );
    /** The one idempotency record there is, as Redis holds it. */
    const record = async () => {
      const keys = await redis.keys('esign:idempotency:*');
      return keys.length === 1 ? redis.hgetall(keys[0]!) : undefined;
    };
    return { a: a!, b: b!, record };
  }

  it('answers outcome unknown, within 5 s, when the dead replica’s cancel had reached Tencent; it sends nothing again', async () => {
    // Replica A's replies from Tencent are held back: the emulator cancels, A never hears of it.
    const { a, b, record } = await setUp(async () => {
      const relay = await relayTo(Number(new URL(emulator.current.url).port), { holdReplies: true });
      return { TENCENT_ESSBASIC_ENDPOINT: `http://127.0.0.1:${relay.port}` };
    });
    const key = randomUUID();
    const qrCodeId = seedQrCode(emulator.current);
    const before = cancelsReceived();

    const first = cancelWithKey(a.url, key, qrCodeId).catch((error: unknown) => error);
    await vi.waitFor(() => expect(cancelsReceived()).toBe(before + 1), { timeout: 10_000, interval: 20 });
    expect(await record()).toHaveProperty('sent:result');
    // A duplicate already waiting on the survivor learns of the death once the lease lapses, not at its wait's end.
    const waiting = timed(() => cancelWithKey(b.url, key, qrCodeId));
    await sigkill(a);
    const killedAt = performance.now();
    expect(await first).toBeInstanceOf(Error);

    const duplicate = await waiting;
    const learnedMs = performance.now() - killedAt;
    const retry = await timed(() => cancelWithKey(b.url, key, qrCodeId));
    for (const reply of [duplicate.value, retry.value]) {
      expect(reply.status).toBe(409);
      expect(reply.body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('whether it took effect is unknown'),
          extensions: { code: 'IDEMPOTENCY_OUTCOME_UNKNOWN', sentCalls: ['result'] },
        }),
      ]);
    }
    expect(learnedMs).toBeLessThan(TAKEOVER_BOUND_MS);
    expect(retry.ms).toBeLessThan(TAKEOVER_BOUND_MS);
    expect(cancelsReceived()).toBe(before + 1);

    // What the message advises: a new key asks Tencent, which answers that the code is already cancelled.
    expect(typename(await cancelWithKey(b.url, randomUUID(), qrCodeId))).toBe('QrCodeInvalidError');
  });

  it('runs the retry normally, within 5 s, when the dead replica had claimed the key but sent nothing', async () => {
    // Replica A's Redis link stops at its first command naming the call `result`: marking it sent (the claim and
    // the renewals never carry it). A has claimed the key and is about to send; it never does.
    let relay: Relay | undefined;
    const { a, b, record } = await setUp(async (redisPort) => {
      relay = await relayTo(redisPort, { holdRequestsFrom: (chunk) => chunk.includes('$6\r\nresult\r\n') });
      return { REDIS_URL: `redis://127.0.0.1:${relay.port}` };
    });
    const before = cancelsReceived();
    const key = randomUUID();
    const qrCodeId = seedQrCode(emulator.current);
    const first = cancelWithKey(a.url, key, qrCodeId).catch((error: unknown) => error);
    await relay!.held;
    await sigkill(a);
    expect(await first).toBeInstanceOf(Error);
    // The dead replica's claim, still there until its lease lapses, marked nothing sent; nothing reached Tencent.
    const claimed = await record();
    expect(claimed).toHaveProperty('owner');
    expect(Object.keys(claimed ?? {}).filter((name) => name.startsWith('sent:'))).toEqual([]);
    expect(cancelsReceived()).toBe(before);

    const retry = await timed(() => cancelWithKey(b.url, key, qrCodeId));
    expect(typename(retry.value)).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(retry.value.body.extensions).toBeUndefined();
    expect(retry.ms).toBeLessThan(TAKEOVER_BOUND_MS);
    expect(cancelsReceived()).toBe(before + 1);
  });
});

describe.skipIf(!redisAvailable)('Idempotency-Key records through a Redis restart', () => {
  const servers: RedisServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  const redisWith = async (args: readonly string[], port?: number) => {
    const server = await startRedis(port, args);
    servers.push(server);
    return server;
  };
  const ready = async (url: string) => (await fetch(new URL('/ready', url))).json() as Promise<Record<string, unknown>>;
  /** A crash and a restart on the same port, seen through the service: unreachable, then back and settled. */
  const restart = async (redis: RedisServer, args: readonly string[], serviceUrl: string) => {
    await redis.stop('SIGKILL');
    const waiting = { timeout: 10_000, interval: 20 };
    await vi.waitFor(async () => expect(await ready(serviceUrl)).toMatchObject({ redis: 'unreachable' }), waiting);
    await redisWith(args, redis.port);
    await vi.waitFor(async () => expect(await ready(serviceUrl)).toMatchObject({ redis: 'ready' }), waiting);
  };

  it('keeps records through a crash and restart with the append-only file on', async () => {
    const aof = ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', mkdtempSync(join(tmpdir(), 'esign-aof-'))];
    const redis = await redisWith(aof);
    const log = capturedLog('warn');
    const service = await serviceFor(emulator.current, { REDIS_URL: redis.url }, log.logger);
    try {
      expect(await ready(service.url)).toMatchObject({ redis: 'ready', redisAof: 'on' });
      expect(await ready(service.url)).not.toHaveProperty('warnings');
      const key = randomUUID();
      const qrCodeId = seedQrCode(emulator.current);
      const first = await cancelWithKey(service.url, key, qrCodeId);
      expect(typename(first)).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');

      await restart(redis, aof, service.url);
      const before = cancelsReceived();
      const repeat = await cancelWithKey(service.url, key, qrCodeId);
      expect(repeat.body).toEqual({ ...first.body, extensions: { idempotentReplay: true } });
      expect(cancelsReceived()).toBe(before);
      expect(log.text()).not.toContain('aof_enabled');
    } finally {
      await service.close();
    }
  });

  it('warns at start-up and in /ready when Redis has no append-only file, and loses records in a restart', async () => {
    const redis = await redisWith([]);
    const log = capturedLog('warn');
    const service = await serviceFor(emulator.current, { REDIS_URL: redis.url }, log.logger);
    try {
      expect(log.text()).toContain('Redis reports aof_enabled:0');
      const body = await ready(service.url);
      expect(body).toMatchObject({
        ready: true,
        redisAof: 'off',
        warnings: [expect.stringContaining('aof_enabled:0')],
      });

      const key = randomUUID();
      const qrCodeId = seedQrCode(emulator.current);
      expect(typename(await cancelWithKey(service.url, key, qrCodeId))).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
      await restart(redis, [], service.url);
      // The record is gone: the repeat asks Tencent again, which answers that the code is already cancelled. (The
      // budget's log went with it: until the replica has settled the budget again, it refuses, sending nothing.)
      let repeat: HttpReply | undefined;
      await vi.waitFor(
        async () => {
          repeat = await cancelWithKey(service.url, key, qrCodeId);
          expect(typename(repeat)).not.toBe('RateLimitedError');
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(typename(repeat!)).toBe('QrCodeInvalidError');
      expect(repeat!.body.extensions).toBeUndefined();
    } finally {
      await service.close();
    }
  });
});
