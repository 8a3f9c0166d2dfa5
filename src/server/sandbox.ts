/**
 * Sandbox mode: with no Tencent credentials, the built-in e-sign emulator stands in for Tencent, seeded with the
 * demo records GraphiQL's examples use. The service loads this module (and so the emulator) only in sandbox mode.
 */
import { DEFAULT_EMULATOR_CREDENTIALS, type Emulator, startEmulator } from '../emulator/server.js';
import { DEMO, seedDemo } from '../emulator/seed.js';
import type { ExampleValues } from '../plugins/browser/graphiql.js';
import type { SandboxControls } from '../resolvers/context.js';
import type { Credentials } from '../tencent/credentials/index.js';

export const SANDBOX_EXAMPLE_VALUES: ExampleValues = {
  essOperatorUserId: DEMO.essOperatorUserId,
  sceneKey: DEMO.sceneKey,
  user: DEMO.pendingUser,
  appId: DEMO.appId,
  proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  proxyOperatorOpenId: DEMO.proxyOperatorOpenId,
  qrCodeId: DEMO.qrCodeId,
};

export interface Sandbox {
  emulator: Emulator;
  /** What the layer signs with: the emulator's own credentials. */
  credentials: Credentials;
  exampleValues: ExampleValues;
  /** What `resetSandbox` does. */
  controls: SandboxControls;
}

export async function startSandbox(): Promise<Sandbox> {
  const emulator = await startEmulator({ seed: true });
  const controls: SandboxControls = {
    reset() {
      emulator.state.clear();
      seedDemo(emulator.state);
      emulator.faults.clear();
    },
  };
  return { emulator, credentials: DEFAULT_EMULATOR_CREDENTIALS, exampleValues: SANDBOX_EXAMPLE_VALUES, controls };
}
