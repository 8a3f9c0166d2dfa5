/** `npm start`: the GraphQL service, in sandbox mode when no Tencent credentials are configured. */
import { type Config, ConfigError, loadConfig } from './server/config.js';
import { startService } from './server/start.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const service = await startService(config);
const browserUrl = service.url.replace('//127.0.0.1:', '//localhost:');
if (service.emulator) {
  console.log(
    [
      '┌ SANDBOX MODE: no Tencent credentials found, so nothing reaches Tencent.',
      `│ Calls go to the built-in e-sign emulator at ${service.emulator.url}, seeded with demo records.`,
      '└ Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (or ~/.tencentcloud/credentials) to use Tencent.',
    ].join('\n'),
  );
} else {
  console.log(`Calling Tencent e-sign (${service.mode.toLowerCase()}): ${config.endpoints.ess}, ${config.endpoints.essbasic}`);
}
console.log(`GraphQL endpoint and GraphiQL: ${browserUrl}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting for in-flight requests.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: no new requests; finishing in-flight ones (up to ${config.shutdownTimeoutMs} ms).`);
    void service.close().then(() => process.exit(0));
  });
}
