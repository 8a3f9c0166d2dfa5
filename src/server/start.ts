/** Wires configuration, the Tencent client (or the sandbox emulator) and the yoga app into a listening server. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { YogaLogger } from 'graphql-yoga';
import { DEFAULT_EMULATOR_CREDENTIALS, type Emulator, startEmulator } from '../emulator/server.js';
import type { ServiceMode } from '../schema/builder.js';
import { TencentClient } from '../tencent/client.js';
import { createApp, GRAPHQL_PATH } from './app.js';
import type { Config } from './config.js';

export interface RunningService {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  mode: ServiceMode;
  /** The in-process emulator in sandbox mode. */
  emulator: Emulator | undefined;
  close(): Promise<void>;
}

export async function startService(config: Config, logger?: YogaLogger | boolean): Promise<RunningService> {
  const emulator = config.mode === 'sandbox' ? await startEmulator({ seed: true }) : undefined;
  const tencent = new TencentClient({
    credentials: config.credentials ?? DEFAULT_EMULATOR_CREDENTIALS,
    endpoints: emulator ? { ess: emulator.url, essbasic: emulator.url } : config.endpoints,
    region: config.region,
    timeoutMs: config.timeoutMs,
  });
  const mode = config.mode.toUpperCase() as ServiceMode;
  const yoga = createApp({ tencent, defaults: config.defaults, mode, protection: config.protection, ...(logger === undefined ? {} : { logger }) });
  const server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    mode,
    emulator,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await tencent.close();
      await emulator?.close();
    },
  };
}
