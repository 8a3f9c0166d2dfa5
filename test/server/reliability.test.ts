/** Retries and the circuit breaker through the whole service over real HTTP, against scripted emulator faults. */
import { describe, expect, it, vi } from 'vitest';
import type { RunningService } from '../../src/server/service.js';
import { useEmulator } from '../support/emulator.js';
import { cancelQrCode, seedQrCode, useServices } from '../support/service.js';

const emulator = useEmulator();
const start = useServices(emulator);
const cancel = (service: RunningService) => cancelQrCode(service.url, seedQrCode(emulator.current));

const readiness = async (service: RunningService) =>
  (await (await fetch(new URL('/ready', service.url))).json()) as { breakers: Record<string, string> };

describe('retries', () => {
  it('retries RequestLimitExceeded from Tencent and succeeds', async () => {
    const service = await start();
    const calls = emulator.current.calls.length;
    emulator.current.faults.add({ code: 'RequestLimitExceeded', times: 2 });
    expect((await cancel(service)).__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(emulator.current.calls.slice(calls).map((call) => call.code)).toEqual([
      'RequestLimitExceeded',
      'RequestLimitExceeded',
      null,
    ]);
  });

  it('does not repeat a call whose outcome is unknown, and says repeating it is safe', async () => {
    const service = await start();
    const calls = emulator.current.calls.length;
    emulator.current.faults.add({ drop: true });
    const result = await cancel(service);
    expect(result.__typename).toBe('UpstreamUnavailableError');
    expect(result.message).toMatch(/unknown; repeating it is safe/);
    expect(emulator.current.calls.length - calls).toBe(1);
  });

  it('retries a refused connection, then says nothing reached Tencent', async () => {
    const closed = await start({ TENCENT_ESSBASIC_ENDPOINT: 'http://127.0.0.1:9', TENCENT_RETRY_ATTEMPTS: '2' });
    const result = await cancel(closed);
    expect(result).toEqual({
      __typename: 'UpstreamUnavailableError',
      message: expect.stringMatching(/could not be reached \(ECONNREFUSED\)\. The request did not reach Tencent/),
    });
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, answers at once without calling Tencent, then lets a probe through and closes', async () => {
    const service = await start({ TENCENT_BREAKER_FAILURES: '2', TENCENT_BREAKER_COOLDOWN_MS: '300' });
    emulator.current.faults.add({ action: 'ChannelCancelMultiFlowSignQRCode', status: 502, times: 2 });
    expect((await cancel(service)).__typename).toBe('UpstreamUnavailableError');
    expect((await readiness(service)).breakers.essbasic).toBe('closed');
    expect((await cancel(service)).__typename).toBe('UpstreamUnavailableError');
    expect((await readiness(service)).breakers).toEqual({ ess: 'closed', essbasic: 'open' });

    const calls = emulator.current.calls.length;
    const refused = await cancel(service);
    expect(refused).toEqual({
      __typename: 'UpstreamUnavailableError',
      message: expect.stringContaining('circuit breaker open'),
    });
    expect(emulator.current.calls.length).toBe(calls);

    await vi.waitFor(async () => expect((await readiness(service)).breakers.essbasic).toBe('half-open'), {
      interval: 20,
    });
    expect((await cancel(service)).__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect((await readiness(service)).breakers.essbasic).toBe('closed');
  });

  it('counts Tencent error answers as a healthy endpoint', async () => {
    const service = await start({ TENCENT_BREAKER_FAILURES: '1' });
    emulator.current.faults.add({ code: 'InternalError', times: 3 });
    for (let i = 0; i < 3; i++) expect((await cancel(service)).__typename).toBe('TencentInternalError');
    expect((await readiness(service)).breakers.essbasic).toBe('closed');
  });
});
