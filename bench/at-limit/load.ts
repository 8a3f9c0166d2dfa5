/**
 * The at-limit load: a burst of calls at once, then a steady rate, spread
 * round-robin over the replicas, each call with an id of its own (sent as the
 * cancel's `QrCodeId`, so the stand-in's record and the caller's answer meet).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { CallReport } from './replica.js';

/** One replica as the load sees it: a cancel of QR code `id`, and what its caller got. */
export interface CallTarget {
  call(id: string, callerId: string | undefined): Promise<CallReport>;
  close(): Promise<void>;
}

/** A chain-only replica (replica.ts): `POST /call`, answering the chain's outcome as it is. */
export function chainTarget(url: string, connections: number): CallTarget {
  const pool = new Pool(url, { connections, pipelining: 1 });
  return {
    call: async (id, callerId) => {
      const res = await pool.request({
        method: 'POST',
        path: '/call',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, callerId }),
      });
      return (await res.body.json()) as CallReport;
    },
    close: () => pool.close(),
  };
}

const CANCEL = `mutation Cancel($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  channelCancelMultiFlowSignQRCode(input: $input) {
    __typename
    ... on TencentError { code }
    ... on RateLimitedError { retryAfterSeconds }
  }
}`;

/** The whole layer (compiled, as `npm start` runs it): a GraphQL cancel, its union member mapped to the same kinds. */
export function layerTarget(
  url: string,
  connections: number,
  headers: Record<string, string>,
  input: (id: string) => Record<string, unknown>,
): CallTarget {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, pipelining: 1 });
  return {
    call: async (id) => {
      const res = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: CANCEL, variables: { input: input(id) } }),
      });
      const body = (await res.body.json()) as {
        data?: { channelCancelMultiFlowSignQRCode?: { __typename: string; code?: string; retryAfterSeconds?: number } };
      };
      const result = body.data?.channelCancelMultiFlowSignQRCode;
      if (!result) return { kind: 'upstream', code: `http-${res.statusCode}` };
      if (result.__typename === 'ChannelCancelMultiFlowSignQRCodeSuccess') return { kind: 'ok' };
      if (result.__typename === 'RateLimitedError') {
        return { kind: 'rate-limited', retryAfterSeconds: result.retryAfterSeconds ?? Number.NaN };
      }
      return result.code === undefined
        ? { kind: 'upstream', code: result.__typename }
        : { kind: 'tencent', code: result.code };
    },
    close: () => pool.close(),
  };
}

export interface LoadPlan {
  burst: number;
  /** Calls per second after the burst. */
  rate: number;
  seconds: number;
  /** The caller id of the `i`-th call (absent: anonymous). */
  callerOf?: (index: number) => string | undefined;
}

export interface CallResult extends CallReport {
  id: string;
  replica: number;
  /** `Date.now()` when the harness sent it, and when the answer came back. */
  sentByHarnessAt: number;
  answeredAt: number;
}

/** Connections a target needs for `plan`: one per call that may be waiting at once. */
export const connectionsFor = (plan: LoadPlan) => plan.burst + plan.rate * 10;

export async function drive(targets: readonly CallTarget[], plan: LoadPlan, tag: string): Promise<CallResult[]> {
  const calls: Promise<CallResult>[] = [];
  const send = (index: number) => {
    const replica = index % targets.length;
    const id = `${tag}-${index}`.padStart(32, '0');
    const sentByHarnessAt = Date.now();
    calls.push(
      targets[replica]!.call(id, plan.callerOf?.(index)).then((report) => ({
        ...report,
        id,
        replica,
        sentByHarnessAt,
        answeredAt: Date.now(),
      })),
    );
  };
  const startedAt = Date.now();
  for (let i = 0; i < plan.burst; i++) send(i);
  const steady = plan.rate * plan.seconds;
  for (let i = 0; i < steady; i++) {
    // Scheduled from the start, so the rate does not drift with timer lateness.
    const due = startedAt + ((i + 1) * 1000) / plan.rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    send(plan.burst + i);
  }
  return Promise.all(calls);
}
