/** Test helpers: the whole service (yoga over real HTTP) in front of a test emulator. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../src/emulator/server.js';
import { loadConfig } from '../../src/server/config.js';
import { type RunningService, startService } from '../../src/server/start.js';
import { TEST_CREDENTIALS } from './emulator.js';

/** A home directory without `~/.tencentcloud`, so tests never read the developer's credentials. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'esign-home-'));

export function serviceFor(emulator: Emulator, env: NodeJS.ProcessEnv = {}): Promise<RunningService> {
  const config = loadConfig(
    {
      PORT: '0',
      TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey,
      TENCENT_ESS_ENDPOINT: emulator.url,
      TENCENT_ESSBASIC_ENDPOINT: emulator.url,
      TENCENT_TIMEOUT_MS: '2000',
      ...env,
    },
    EMPTY_HOME,
  );
  return startService(config, false);
}

/** The service as production runs it (`NODE_ENV=production`, credentials set) in front of a test emulator. */
export function productionServiceFor(emulator: Emulator, env: NodeJS.ProcessEnv = {}): Promise<RunningService> {
  return serviceFor(emulator, { NODE_ENV: 'production', ...env });
}

export interface GraphQLResponse {
  data?: Record<string, Record<string, unknown>> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
): Promise<GraphQLResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return (await res.json()) as GraphQLResponse;
}
