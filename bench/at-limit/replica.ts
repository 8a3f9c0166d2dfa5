/**
 * One replica for the at-limit runs, in a process of its own: the caller
 * chain and the real client over HTTP, in front of the stand-in, behind a
 * small HTTP endpoint (`POST /call` with `{ id, callerId }`) that answers
 * what the chain answered. Started by `fork` with its options as JSON in
 * argv; it says `{ type: 'ready', url }` over IPC, and stops in good order on
 * SIGTERM or when its parent goes.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { ReplyOf, RequestOf, TencentAction } from '../../src/tencent/action.js';
import { createCallerChain } from '../../src/tencent/caller/chain.js';
import type { AttemptCaller, AttemptOptions, TencentOutcome } from '../../src/tencent/caller/types.js';
import { TencentClient } from '../../src/tencent/client.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';

export interface ReplicaOptions {
  standInUrl: string;
  redisUrl?: string | undefined;
  limit: number;
  guardMs: number;
  maxWaitMs: number;
  timeoutMs: number;
  heartbeatMs?: number | undefined;
}

/** What one call got, as the load generator records it. */
export interface CallReport {
  kind: 'ok' | 'rate-limited' | 'tencent' | 'upstream';
  code?: string;
  retryAfterSeconds?: number;
  outcomeUnknown?: boolean;
  /** `Date.now()` just before the request was handed to the connection pool, and when it was written. */
  sentAt?: number;
  writtenAt?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ReplicaOptions;
const redis = options.redisUrl
  ? new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    })
  : undefined;
redis?.on('error', () => {});
const client = new TencentClient({
  credentials: { secretId: 'AKIDATLIMIT', secretKey: 'at-limit-secret' },
  endpoints: { ess: options.standInUrl, essbasic: options.standInUrl },
  timeoutMs: options.timeoutMs,
});
/** When each call's request was written, by request id: the start the budget counts. */
const writtenAt = new Map<string, number>();

/** The client, noting when each request is written. */
const noting: AttemptCaller = {
  call<A extends TencentAction>(
    action: A,
    request: RequestOf<A>,
    options: AttemptOptions = {},
  ): Promise<TencentOutcome<ReplyOf<A>>> {
    const { control, requestId } = options;
    return client.call(action, request, {
      ...options,
      control: control && {
        running: (handle) => control.running(handle),
        written: () => {
          if (requestId) writtenAt.set(requestId, Date.now());
          control.written();
        },
      },
    });
  },
};

const chain = createCallerChain(noting, {
  limit: options.limit,
  guardMs: options.guardMs,
  maxWaitMs: options.maxWaitMs,
  timeoutMs: options.timeoutMs,
  retry: { attempts: 3 },
  breaker: { failures: 5, cooldownMs: 10_000, slowCallMs: 3_000 },
  redis: redis ? { redis, heartbeatMs: options.heartbeatMs } : undefined,
});
const agent = { AppId: 'at-limit-app', ProxyOrganizationOpenId: 'org', ProxyOperator: { OpenId: 'op' } };

async function call(id: string, callerId: string | undefined): Promise<CallReport> {
  let sentAt: number | undefined;
  const outcome = await chain.caller.call(
    ChannelCancelMultiFlowSignQRCode,
    { Agent: agent, QrCodeId: id },
    {
      requestId: id,
      callerId,
      beforeSend: async () => {
        sentAt = Date.now();
      },
    },
  );
  const written = writtenAt.get(id);
  writtenAt.delete(id);
  if (outcome.ok) return { kind: 'ok', sentAt, writtenAt: written };
  const { failure } = outcome;
  switch (failure.kind) {
    case 'rate-limited':
      return { kind: 'rate-limited', retryAfterSeconds: failure.retryAfterSeconds };
    case 'tencent':
      return { kind: 'tencent', code: failure.code, sentAt, writtenAt: written };
    case 'upstream':
      return {
        kind: 'upstream',
        code: failure.reason,
        outcomeUnknown: failure.outcomeUnknown,
        sentAt,
        writtenAt: written,
      };
  }
}

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ mode: chain.budget?.mode ?? 'off' }));
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const { id, callerId } = JSON.parse(body) as { id: string; callerId?: string };
    void call(id, callerId).then((report) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report));
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1');
await once(server, 'listening');
process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await chain.shutdown(2_000);
  server.closeAllConnections();
  server.close();
  await client.close();
  redis?.disconnect();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
