/** Test helpers: the whole service (yoga over real HTTP) in front of a test emulator. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { apiKeyDigest } from '../../src/plugins/auth/api-keys.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadConfig } from '../../src/config/index.js';
import type { Logger } from '../../src/telemetry/logger.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { exampleOperations } from '../../src/plugins/browser/graphiql.js';
import { SANDBOX_EXAMPLE_VALUES } from '../../src/server/sandbox.js';
import { TEST_CREDENTIALS } from './emulator.js';
import { useStarted } from './lifecycle.js';

/** GraphiQL's example document as the sandbox fills it (the demo records). */
export const SANDBOX_EXAMPLES = exampleOperations(SANDBOX_EXAMPLE_VALUES, true);

/** A home directory without `~/.tencentcloud`, so tests never read the developer's credentials. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'esign-home-'));

/** Sandbox mode without asking any CVM metadata service first (tests never reach beyond loopback). */
export const SANDBOX_ENV = { PORT: '0', TENCENT_CVM_ROLE: 'off' } as const;

export function serviceFor(
  emulator: Emulator,
  env: NodeJS.ProcessEnv = {},
  logger: Logger | false = false,
): Promise<RunningService> {
  const config = loadConfig(
    {
      PORT: '0',
      TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey,
      TENCENT_ESS_ENDPOINT: emulator.url,
      TENCENT_ESSBASIC_ENDPOINT: emulator.url,
      TENCENT_TIMEOUT_MS: '2000',
      // Below the time-out, as the configuration requires.
      TENCENT_RATE_LIMIT_MAX_WAIT_MS: '1000',
      ...env,
    },
    EMPTY_HOME,
  );
  return startService(config, logger);
}

/** The API key production test services accept (production requires caller authentication). */
export const PRODUCTION_API_KEY = 'esk_production-test-suite-key-0123456789';
export const PRODUCTION_AUTH = { 'x-api-key': PRODUCTION_API_KEY };

/** The service as production runs it (`NODE_ENV=production`, credentials set) in front of a test emulator. */
export function productionServiceFor(emulator: Emulator, env: NodeJS.ProcessEnv = {}): Promise<RunningService> {
  const apiKeys = [{ name: 'test-suite', sha256: apiKeyDigest(PRODUCTION_API_KEY), unrestricted: true }];
  return serviceFor(emulator, { NODE_ENV: 'production', AUTH_API_KEYS: JSON.stringify(apiKeys), ...env });
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

/** One service for the enclosing `describe` (or file): started before its tests, closed after them. */
export function useService(start: () => Promise<RunningService>): { readonly current: RunningService } {
  const service = useStarted('service', start, (running) => running.close());
  return {
    get current() {
      return service();
    },
  };
}

/** Starts services against the file's emulator; each is closed after its test. */
export function useServices(emulator: {
  readonly current: Emulator;
}): (env?: NodeJS.ProcessEnv) => Promise<RunningService> {
  const running: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.close()));
  });
  return async (env = {}) => {
    const service = await serviceFor(emulator.current, env);
    running.push(service);
    return service;
  };
}

export interface CancelResult {
  __typename: string;
  requestId?: string;
  message?: string;
  retryAfterSeconds?: number;
}

/** Cancels a QR code through the service and answers the mutation's result. */
export async function cancelQrCode(url: string, qrCodeId: string): Promise<CancelResult> {
  const response = await graphql(url, CANCEL_QR_CODE, { input: { agent: DEMO_AGENT, qrCodeId } });
  if (response.errors) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data!.result! as unknown as CancelResult;
}

/** Cancels one QR code of the demo organisation: the mutation most reliability tests repeat. */
export const CANCEL_QR_CODE = `mutation Cancel($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  result: channelCancelMultiFlowSignQRCode(input: $input) {
    __typename
    ... on ChannelCancelMultiFlowSignQRCodeSuccess { requestId }
    ... on RateLimitedError { retryAfterSeconds }
    ... on Error { message }
  }
}`;

export const DEMO_AGENT = {
  appId: DEMO.appId,
  proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  proxyOperator: { openId: DEMO.proxyOperatorOpenId },
};

/** A QR code of the demo organisation, put straight into the emulator's state. */
export function seedQrCode(emulator: Emulator): string {
  return emulator.state.createQrCode({ appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId }, 7)
    .id;
}

export interface HttpReply {
  status: number;
  headers: Headers;
  body: GraphQLResponse & { extensions?: Record<string, unknown> };
}

/** The parameters of one GraphQL request: a query, or a trusted document's hash (`documentId`, `extensions`). */
export interface GraphQLPayload {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  documentId?: string;
  extensions?: Record<string, unknown>;
}

/** A GraphQL POST with extra headers, answering the status and headers too. */
export async function post(
  url: string,
  payload: GraphQLPayload,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as HttpReply['body'] };
}
