/** Test helper: the yoga app alone, in-process (`yoga.fetch`), for plugin tests where HTTP adds nothing. */
import { loadConfig } from '../../src/config/index.js';
import { PLACEHOLDER_VALUES } from '../../src/plugins/browser/graphiql.js';
import { MemoryIdempotencyStore } from '../../src/plugins/idempotency/memory-store.js';
import { createApp, type YogaApp } from '../../src/server/app.js';
import type { ServiceMode } from '../../src/schema/builder.js';
import { createLogger, type Logger } from '../../src/telemetry/logger.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import type { TencentCaller } from '../../src/tencent/client.js';
import { TEST_CREDENTIALS } from './emulator.js';
import { EMPTY_HOME } from './service.js';

export interface AppFixture {
  tencent: TencentCaller;
  /** Configuration variables on top of test credentials. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  mode?: ServiceMode;
}

export function appFor({ tencent, env = {}, logger, mode = 'TEST' }: AppFixture): YogaApp {
  const config = loadConfig(
    { TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId, TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey, ...env },
    EMPTY_HOME,
  );
  return createApp({
    config,
    mode,
    tencent,
    logger: logger ?? createLogger({ level: 'silent' }),
    metrics: new Metrics(),
    idempotency: new MemoryIdempotencyStore({ ttlMs: 60_000, waitMs: 5_000 }, { maxRecords: 10_000 }),
    readiness: () => ({ ready: true }),
    exampleValues: PLACEHOLDER_VALUES,
  });
}

/** A GraphQL POST to an in-process app, answering status, headers and the parsed body. */
export async function fetchApp(
  yoga: YogaApp,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}
