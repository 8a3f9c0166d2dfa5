/** (a) This project, started through its public API and pointed at the fake upstream. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { startService } from '../../src/server/service.js';
import { CREDENTIALS, EXPECTED_REPLY, graphqlBody, LAYER_QUERY } from '../workload.js';
import type { StartContender } from './contender.js';

export const startLayer: StartContender = async (upstreamUrl, options) => {
  const env = {
    PORT: '0',
    TENCENTCLOUD_SECRET_ID: CREDENTIALS.secretId,
    TENCENTCLOUD_SECRET_KEY: CREDENTIALS.secretKey,
    TENCENT_ESS_ENDPOINT: upstreamUrl,
    TENCENT_ESSBASIC_ENDPOINT: upstreamUrl,
    // The benchmark measures the layer, not Tencent's budget.
    TENCENT_RATE_LIMIT_PER_SECOND: '0',
    ...options.env,
  };
  // An empty home, so a developer's ~/.tencentcloud/credentials never takes part.
  const config = loadConfig(env, mkdtempSync(join(tmpdir(), 'esign-bench-')));
  // Request logs on, as in production: JSON lines at info, written (to /dev/null here) as pino writes to stdout.
  const logger = createLogger({ level: 'info', destination: pino.destination('/dev/null') });
  const service = await startService(config, logger);
  return { url: service.url, workload: { body: graphqlBody(LAYER_QUERY), expectBody: EXPECTED_REPLY }, close: service.close };
};
