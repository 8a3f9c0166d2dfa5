/** `npm start`: the GraphQL service, in sandbox mode when no Tencent credentials are configured. */
import { type Config, ConfigError, loadConfig } from './config/index.js';
import { tuneHeap } from './server/heap.js';
import { type RunningService, startService } from './server/service.js';

tuneHeap();

/** A configuration the service cannot start with: one line naming the variable, and exit 1. */
function refuse(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

let config: Config;
let service: RunningService;
try {
  config = loadConfig();
  // Opening the credential chain may ask the CVM metadata service or STS, so it can refuse too.
  service = await startService(config);
} catch (error) {
  refuse(error);
}
const { logger } = service;
const browserUrl = service.url.replace('//127.0.0.1:', '//localhost:');
if (service.emulator) {
  console.log(
    [
      '┌ SANDBOX MODE: no Tencent credentials found, so nothing reaches Tencent.',
      `│ Calls go to the built-in e-sign emulator at ${service.emulator.url}, seeded with demo records.`,
      '│ mutation { resetSandbox } puts the demo records back at any time.',
      '└ Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (or a profile file, a TKE or CVM role) to use Tencent.',
    ].join('\n'),
  );
}
// A request that leaves these out is refused with a plain "required"; the variable that would fill them is named here.
const defaults = [
  ['TENCENT_ESS_OPERATOR_USER_ID', 'operator.userId', config.defaults.essOperatorUserId],
  ['TENCENT_ESSBASIC_APP_ID', 'agent.appId', config.defaults.essbasicAppId],
] as const;
for (const [variable, field, value] of defaults) {
  if (value === undefined) logger.info({ variable }, `${variable} is unset: requests must give ${field}`);
}

// Production writes JSON lines only, for log shippers; development gets the same facts as a record too.
logger.info(
  { url: browserUrl, mode: service.mode, endpoints: service.emulator ? undefined : config.endpoints },
  config.protection.graphiql ? 'GraphQL endpoint and GraphiQL listening' : 'GraphQL endpoint listening',
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.warn({ signal }, 'signal again: exiting without waiting for in-flight requests');
      process.exit(1);
    }
    stopping = true;
    logger.info(
      { signal, timeoutMs: config.shutdownTimeoutMs },
      'shutting down: no new requests, finishing in-flight ones',
    );
    void service.close().then(() => process.exit(0));
  });
}
