/** `/health`, `/ready` and graceful shutdown, in-process and as `npm start` receiving SIGTERM. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { spawnService } from '../support/process.js';
import { cancelQrCode, seedQrCode, serviceFor, useServices } from '../support/service.js';

const emulator = useEmulator();
const start = useServices(emulator);

describe('health and readiness', () => {
  it('answers /health and a /ready that shows the breakers', async () => {
    const service = await start();
    const health = await fetch(new URL('/health', service.url));
    expect(health.status).toBe(200);

    const ready = await fetch(new URL('/ready', service.url));
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({
      status: 'ready',
      ready: true,
      mode: 'production',
      shuttingDown: false,
      redis: 'not configured',
      budget: 'local',
      breakers: { ess: 'closed', essbasic: 'closed' },
    });
  });
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, then refuses new connections', async () => {
    const service = await serviceFor(emulator.current);
    emulator.current.faults.add({ delayMs: 500 });
    const inFlight = cancelQrCode(service.url, seedQrCode(emulator.current));
    await sleep(150);
    const closed = service.close();
    await sleep(50);
    await expect(fetch(new URL('/health', service.url))).rejects.toThrow();
    expect((await inFlight).__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    await closed;
  });

  it('exits 0 on SIGTERM after answering the request in flight', async () => {
    const service = await spawnService(emulator.current);
    emulator.current.faults.add({ delayMs: 800 });
    const inFlight = cancelQrCode(service.url, seedQrCode(emulator.current));
    await sleep(300);
    const exited = service.stop();
    expect((await inFlight).__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(await exited).toBe(0);
    expect(service.output()).toContain('shutting down: no new requests, finishing in-flight ones');
  });
});
