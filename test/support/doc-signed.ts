/**
 * Requests the client did not sign: built in the test by the documentation's rules (tc3-oracle.ts)
 * and sent over HTTP, with any part of them bent to see what the emulator refuses.
 */
import { request } from 'undici';
import { TEST_CREDENTIALS } from './emulator.js';
import { docSign } from './tc3-oracle.js';

const VERSIONS = { ess: '2020-11-11', essbasic: '2021-05-26' } as const;

export interface DocPost {
  action: string;
  service: keyof typeof VERSIONS;
  body: string | Buffer;
  secretId?: string;
  secretKey?: string;
  /** Unix seconds; now by default. */
  timestamp?: number;
  /** Names of the headers to sign, as the documentation's example: content-type, host, x-tc-action. */
  sign?: string[];
  /** More headers to send, there before signing (so `sign` may name them). */
  extra?: Record<string, string>;
  /** Headers sent, replacing the computed ones after signing (`null` leaves one out). */
  headers?: Record<string, string | null>;
  /** The credential scope's service and date, when a test wants them wrong. */
  scope?: { service?: string; date?: string };
  /** Sign header values in their case, not lower-cased (the client's old mistake). */
  keepValueCase?: boolean;
  /** Bytes sent instead of `body` after signing it. */
  sendBody?: string | Buffer;
}

export interface TencentReply {
  status: number;
  Response: { RequestId?: string; Error?: { Code: string; Message: string } } & Record<string, unknown>;
}

export function docSignedHeaders(url: string, post: DocPost): Record<string, string> {
  const timestamp = post.timestamp ?? Math.floor(Date.now() / 1000);
  const sent: Record<string, string> = {
    'content-type': 'application/json',
    host: new URL(url).host,
    'x-tc-action': post.action,
    'x-tc-version': VERSIONS[post.service],
    'x-tc-timestamp': String(timestamp),
    ...post.extra,
  };
  const names = post.sign ?? ['content-type', 'host', 'x-tc-action'];
  const { authorization } = docSign(
    {
      secretId: post.secretId ?? TEST_CREDENTIALS.secretId,
      secretKey: post.secretKey ?? TEST_CREDENTIALS.secretKey,
      service: post.scope?.service ?? post.service,
      timestamp,
      ...(post.scope?.date ? { date: post.scope.date } : {}),
    },
    {
      signed: names.map((name) => [name, sent[name] ?? ''] as const),
      payload: post.body,
      keepValueCase: post.keepValueCase ?? false,
    },
  );
  const headers: Record<string, string> = { ...sent, authorization };
  for (const [name, value] of Object.entries(post.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return headers;
}

/** POSTs a request signed by the documentation's rules and returns Tencent's reply envelope. */
export async function docPost(url: string, post: DocPost): Promise<TencentReply> {
  const res = await request(url, {
    method: 'POST',
    headers: docSignedHeaders(url, post),
    body: post.sendBody ?? post.body,
  });
  const json = (await res.body.json()) as { Response: TencentReply['Response'] };
  return { status: res.statusCode, Response: json.Response };
}
