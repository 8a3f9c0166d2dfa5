/** `/health`, `/ready` and graceful shutdown, in-process and as `npm start` receiving SIGTERM. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';
import { cancelQrCode, EMPTY_HOME, seedQrCode, serviceFor, useServices } from '../support/service.js';

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
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: EMPTY_HOME,
        PORT: '0',
        TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
        TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey,
        TENCENT_ESS_ENDPOINT: emulator.current.url,
        TENCENT_ESSBASIC_ENDPOINT: emulator.current.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    while (!/GraphQL endpoint and GraphiQL: (\S+)/.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      await sleep(50);
    }
    const url = /GraphQL endpoint and GraphiQL: (\S+)/.exec(output)![1]!;

    emulator.current.faults.add({ delayMs: 800 });
    const inFlight = cancelQrCode(url, seedQrCode(emulator.current));
    await sleep(300);
    child.kill('SIGTERM');
    expect((await inFlight).__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output).toContain('SIGTERM: no new requests; finishing in-flight ones');
  });
});
