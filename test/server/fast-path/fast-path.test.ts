/**
 * The fast path answers exactly as yoga would. Every request here goes to two
 * services in front of the same emulator, one with the fast path and one
 * without (`GRAPHQL_FAST_PATH=false`), and the two HTTP replies must match:
 * status, headers and body, with only ids that differ per call (Tencent's
 * request ids, error ids, generated request ids) set aside. The route
 * counter on `/metrics` says who answered, so each case also checks that the
 * fast path did or did not take the request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { createObservability } from '../../../src/server/observability/index.js';
import { yogaLoggerFor } from '../../../src/server/observability/logger.js';
import type { Route } from '../../../src/server/observability/metrics.js';
import type { RunningService } from '../../../src/server/start.js';
import type { Emulator } from '../../../src/emulator/server.js';
import { capturedLog } from '../../support/captured-log.js';
import { useEmulator } from '../../support/emulator.js';
import { sample } from '../../support/prometheus.js';
import {
  CANCEL_QR_CODE,
  DEMO_AGENT,
  PRODUCTION_API_KEY,
  productionServiceFor,
  seedQrCode,
  serviceFor,
} from '../../support/service.js';

interface Sent {
  method?: 'POST' | 'GET';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Differ per call on either path: the date, the connection, generated ids. */
const VARYING_HEADERS = new Set(['date', 'connection', 'keep-alive', 'x-request-id']);

async function send(base: string, sent: Sent): Promise<Reply> {
  const res = await request(`${base}${sent.path ?? '/graphql'}`, {
    method: sent.method ?? 'POST',
    headers: sent.headers ?? { 'content-type': 'application/json' },
    body: sent.body,
  });
  const headers = Object.fromEntries(
    Object.entries(res.headers)
      .filter(([name]) => !VARYING_HEADERS.has(name))
      .map(([name, value]) => [name, String(value)]),
  );
  return { status: res.statusCode, headers, body: await res.body.text() };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Tencent request ids and error ids are fresh per call; the content length moves with them only if they differ in length. */
function comparable(reply: Reply): Reply {
  return { ...reply, body: reply.body.replace(UUID, '<uuid>') };
}

const ROUTES: readonly Route[] = ['fast_path', 'handed_over', 'yoga'];

async function routeCounts(base: string): Promise<Record<Route, number>> {
  const text = await (await request(`${base}/metrics`)).body.text();
  const count = (route: Route) => sample(text, 'graphql_http_requests_total', { route }) ?? 0;
  return { fast_path: count('fast_path'), handed_over: count('handed_over'), yoga: count('yoga') };
}

const json = (payload: unknown): string => JSON.stringify(payload);
const cancel = (qrCodeId: string, extra: Record<string, unknown> = {}) =>
  json({ query: CANCEL_QR_CODE, variables: { input: { agent: DEMO_AGENT, qrCodeId } }, ...extra });

interface Pair {
  fast: string;
  plain: string;
}

/** Sends the same request to both services; answers the fast one's reply and who answered it. */
async function compare(pair: Pair, sent: Sent | ((base: string) => Sent)) {
  const of = (base: string) => (typeof sent === 'function' ? sent(base) : sent);
  const before = await routeCounts(pair.fast);
  const fast = await send(pair.fast, of(pair.fast));
  const plain = await send(pair.plain, of(pair.plain));
  const after = await routeCounts(pair.fast);
  expect(comparable(fast)).toEqual(comparable(plain));
  // Each request is counted as it arrives: the later scrape adds one `yoga` of its own, the request exactly one route.
  const added = ROUTES.map((name) => after[name] - before[name] - (name === 'yoga' ? 1 : 0));
  expect([...added].sort()).toEqual([0, 0, 1]);
  const route = ROUTES[added.indexOf(1)];
  return { reply: fast, route };
}

/**
 * Two services for the file's tests, one with the fast path and one without, each having accepted the document once
 * through yoga (no `$input`: a variable error, but a valid document).
 */
function useServicePair(
  start: (emulator: Emulator, env?: NodeJS.ProcessEnv) => Promise<RunningService>,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): { pair: () => Pair; emulator: { readonly current: Emulator } } {
  const emulator = useEmulator({ seed: true });
  const services: RunningService[] = [];
  beforeAll(async () => {
    services.push(await start(emulator.current), await start(emulator.current, { GRAPHQL_FAST_PATH: 'false' }));
    for (const service of services)
      await send(new URL(service.url).origin, { headers, body: json({ query: CANCEL_QR_CODE }) });
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
  });
  const pair = () => ({ fast: new URL(services[0]!.url).origin, plain: new URL(services[1]!.url).origin });
  return { pair, emulator };
}

describe('the fast path, beside yoga, in sandbox-like test mode', () => {
  const { pair, emulator } = useServicePair(serviceFor);

  it('serves a success itself, with the same status, headers and body as yoga', async () => {
    const codes = new Map([pair().fast, pair().plain].map((base) => [base, seedQrCode(emulator.current)]));
    const { reply, route } = await compare(pair(), (base) => ({
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: cancel(codes.get(base)!),
    }));
    expect(route).toBe('fast_path');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).data.result.__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
    expect(reply.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('serves Tencent errors and input rule violations (union members, not GraphQL errors) itself', async () => {
    const unknown = await compare(pair(), {
      headers: { 'content-type': 'application/json' },
      body: cancel('yDSLZUUckpooi1ltUxCsD3RSTG9BEWhX'),
    });
    expect(unknown.route).toBe('fast_path');
    expect(JSON.parse(unknown.reply.body).data.result.__typename).toBe('QrCodeNotFoundError');
    const invalid = await compare(pair(), { headers: { 'content-type': 'application/json' }, body: cancel('') });
    expect(invalid.route).toBe('fast_path');
    expect(JSON.parse(invalid.reply.body).data.result.__typename).toBe('ValidationError');
  });

  it('hands variables that do not coerce to yoga, which words the 400 without echoing them', async () => {
    const body = json({
      query: CANCEL_QR_CODE,
      variables: { input: { agent: DEMO_AGENT, qrCodeId: 610000000000000000 } },
    });
    const { reply, route } = await compare(pair(), { headers: { 'content-type': 'application/json' }, body });
    expect(route).toBe('handed_over');
    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain('610000000000000000');
  });

  it('hands over what it does not take on its own: unknown operation names, extensions, batches, broken JSON', async () => {
    const headers = { 'content-type': 'application/json' };
    const unknownCode = 'yDSLZUUckpooi1ltUxCsD3RSTG9BEWhX';
    for (const body of [
      cancel(unknownCode, { operationName: 'NotInTheDocument' }),
      cancel(unknownCode, { extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } }),
      json([{ query: CANCEL_QR_CODE }]),
      '{"query": ',
    ]) {
      const { route } = await compare(pair(), { headers, body });
      expect(route, body).toBe('handed_over');
    }
  });

  it('leaves to yoga what browsers, idempotent retries and other media types need', async () => {
    const body = cancel('yDSLZUUckpooi1ltUxCsD3RSTG9BEWhX');
    const cases: Record<string, string>[] = [
      { 'content-type': 'application/json', origin: 'http://localhost:5173' },
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      { 'content-type': 'application/json', 'idempotency-key': 'fast-path-conformance-1' },
      { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      { 'content-type': 'text/plain' },
    ];
    for (const headers of cases) {
      const { route } = await compare(pair(), { headers, body });
      expect(route, JSON.stringify(headers)).toBe('yoga');
    }
    const { reply } = await compare(pair(), {
      headers: { 'content-type': 'application/json' },
      body: ' '.repeat(100_001),
    });
    expect(reply.status).toBe(413);
  });

  it('takes the caller’s request id, and replaces one that is not a sane token', async () => {
    const base = pair().fast;
    const headers = { 'content-type': 'application/json' };
    const kept = await request(`${base}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'x-request-id': 'trace-42' },
      body: cancel(''),
    });
    expect(kept.headers['x-request-id']).toBe('trace-42');
    const replaced = await request(`${base}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'x-request-id': 'two words' },
      body: cancel(''),
    });
    expect(replaced.headers['x-request-id']).toMatch(UUID);
    await Promise.all([kept.body.text(), replaced.body.text()]);
  });
});

describe('the fast path with caller authentication (production)', () => {
  const { pair } = useServicePair(productionServiceFor, {
    'content-type': 'application/json',
    'x-api-key': PRODUCTION_API_KEY,
  });

  it('serves an authenticated caller itself, and hands every refusal to yoga for its 401', async () => {
    const body = cancel('yDSLZUUckpooi1ltUxCsD3RSTG9BEWhX');
    const served = await compare(pair(), {
      headers: { 'content-type': 'application/json', 'x-api-key': PRODUCTION_API_KEY },
      body,
    });
    expect(served.route).toBe('fast_path');
    expect(JSON.parse(served.reply.body).data.result.__typename).toBe('QrCodeNotFoundError');
    const refused: Record<string, string>[] = [
      {},
      { 'x-api-key': 'esk_guessed' },
      { authorization: 'Bearer not-a-token' },
    ];
    for (const credentials of refused) {
      const { reply, route } = await compare(pair(), {
        headers: { 'content-type': 'application/json', ...credentials },
        body,
      });
      expect(route, JSON.stringify(credentials)).toBe('handed_over');
      expect(reply.status).toBe(401);
    }
  });
});

describe('the fast path when a resolver fails unexpectedly', () => {
  const servers: Server[] = [];
  const log = capturedLog();
  const routes: Route[] = [];
  /** The request id each Tencent call was made under. */
  const traced: (string | undefined)[] = [];

  async function listen(fastPath: boolean): Promise<string> {
    // Request ids, the operation line and metrics, as the service has them.
    const observability = createObservability(log.logger);
    const { listener } = createApp({
      mode: 'TEST',
      defaults: {},
      logger: yogaLoggerFor(log.logger),
      tencent: {
        call: (_action, _request, trace) => {
          traced.push(trace?.requestId);
          return Promise.reject(new Error('database password is hunter2'));
        },
      },
      fastPath,
      plugins: observability.plugins,
      reportOperation: observability.reportOperation,
      onRoute: (route) => routes.push(route),
    });
    const server = createServer(listener);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('masks the error with an id exactly as yoga does, and logs the details under that id', async () => {
    const pair = { fast: await listen(true), plain: await listen(false) };
    const sent = { headers: { 'content-type': 'application/json' }, body: cancel('yDSLZUUckpooi1ltUxCsD3RSTG9BEWhX') };
    await send(pair.fast, sent);
    log.clear();
    routes.length = 0;
    const fast = await send(pair.fast, sent);
    // Run here, masked here, then answered by yoga with that result.
    expect(routes).toEqual(['handed_over']);
    const plain = await send(pair.plain, sent);
    expect(comparable(fast)).toEqual(comparable(plain));
    expect(fast.status).toBe(200);
    expect(fast.body).not.toContain('hunter2');
    const errorId = JSON.parse(fast.body).errors[0].extensions.errorId as string;
    expect(log.linesWith(`Unexpected error ${errorId}:`)).toHaveLength(1);
  });

  it('answers under the request id the operation ran under, when the caller sent none', async () => {
    const fast = await listen(true);
    const sent = { headers: { 'content-type': 'application/json' }, body: cancel('yDSLZUUckpooi1ltUxCsD3RSTG9BEWhX') };
    await send(fast, sent);
    routes.length = 0;
    traced.length = 0;
    const res = await request(`${fast}/graphql`, { method: 'POST', ...sent });
    await res.body.text();
    expect(routes).toEqual(['handed_over']);
    expect(traced).toEqual([expect.stringMatching(UUID)]);
    expect(res.headers['x-request-id']).toBe(traced[0]);
  });
});
