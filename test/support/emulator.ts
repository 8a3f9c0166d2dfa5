/** Test helpers: a real emulator on a free loopback port and a client signed for it. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/server.js';
import { TencentClient, type TencentClientOptions } from '../../src/tencent/client.js';

export const TEST_CREDENTIALS = { secretId: 'AKIDTESTSUITE', secretKey: 'test-suite-secret-key' };

export function clientFor(emulator: Emulator, overrides: Partial<TencentClientOptions> = {}): TencentClient {
  return new TencentClient({
    credentials: TEST_CREDENTIALS,
    endpoints: { ess: emulator.url, essbasic: emulator.url },
    timeoutMs: 2_000,
    ...overrides,
  });
}

/** Starts one emulator for the file; its planned faults are cleared after each test (state and call log carry on). */
export function useEmulator(options: EmulatorOptions = {}): { readonly current: Emulator } {
  const holder: { current?: Emulator } = {};
  beforeAll(async () => {
    // Tencent's 20/s limit is off unless a test asks for it: these tests make calls back to back without a budget.
    holder.current = await startEmulator({ credentials: TEST_CREDENTIALS, rateLimitPerSecond: 0, ...options });
  });
  afterEach(() => {
    holder.current?.faults.clear();
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  return {
    get current(): Emulator {
      if (!holder.current) throw new Error('emulator not started');
      return holder.current;
    },
  };
}
