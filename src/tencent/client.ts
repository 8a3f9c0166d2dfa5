/**
 * The signed Tencent Cloud API 3.0 client: one keep-alive undici pool per
 * endpoint, TC3 signing, and reply parsing into a result, a Tencent error or
 * an upstream failure. It never throws for a call; every outcome is a value.
 */
import { EventEmitter } from 'node:events';
import { Pool } from 'undici';
import { z } from 'zod';
import type { ReplyOf, RequestOf, TencentAction } from './action.js';
import { type Credentials, type CredentialSource, fixedCredentials, isCredentialSource } from './credentials/source.js';
import { type Endpoints, SERVICE_VERSIONS, SERVICES, type Service } from './endpoints.js';
import { Tc3Signer } from './sign.js';

/** Why a call produced no Tencent answer; `credentials`: none were valid to sign with, so nothing was sent. */
export type UpstreamReason = 'network' | 'timeout' | 'http-status' | 'bad-reply' | 'circuit-open' | 'credentials';

export type TencentFailure =
  | { kind: 'tencent'; code: string; message: string; requestId: string }
  /** `outcomeUnknown`: the request may have reached Tencent and taken effect. */
  | { kind: 'upstream'; reason: UpstreamReason; message: string; outcomeUnknown: boolean }
  /** Not sent because the per-second budget for the action is spent. */
  | { kind: 'rate-limited'; message: string; retryAfterSeconds: number };

/** Tencent's per-second limit refused the call (`RequestLimitExceeded` and its sub-codes): nothing was done. */
export function isRequestLimitExceeded(code: string): boolean {
  return code.startsWith('RequestLimitExceeded');
}

export type TencentOutcome<T> = { ok: true; requestId: string; reply: T } | { ok: false; failure: TencentFailure };

/** The request a call is made for, as wrappers that log calls name it. The client itself does not read it. */
export interface CallTrace {
  readonly requestId: string;
  readonly operation?: string | undefined;
}

/** Anything that performs a Tencent call: the client itself, or a wrapper adding a policy around it. */
export interface TencentCaller {
  call<A extends TencentAction>(
    action: A,
    request: RequestOf<A>,
    trace?: CallTrace,
  ): Promise<TencentOutcome<ReplyOf<A>>>;
}

export interface TencentClientOptions {
  /** Asked before every attempt; fixed credentials may be given as they are. */
  credentials: Credentials | CredentialSource;
  endpoints: Endpoints;
  region?: string | undefined;
  timeoutMs: number;
  /** Keep-alive connections per endpoint. */
  connections?: number;
  /** Current time in milliseconds; replaceable so tests can skew the clock. */
  now?: () => number;
}

const MAX_REPLY_BYTES = 1024 * 1024;

const Envelope = z.object({
  Response: z.looseObject({
    RequestId: z.string(),
    Error: z.object({ Code: z.string(), Message: z.string() }).optional(),
  }),
});

interface Target {
  pool: Pool;
  /** Exactly the `Host` header sent, and so signed (`host:port` for a non-default port). */
  host: string;
  path: string;
}

function targetFor(endpoint: string, connections: number): Target {
  const url = new URL(endpoint);
  return {
    pool: new Pool(url.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 }),
    host: url.host,
    path: url.pathname || '/',
  };
}

function upstream(
  reason: UpstreamReason,
  message: string,
  outcomeUnknown = true,
): { ok: false; failure: TencentFailure } {
  return { ok: false, failure: { kind: 'upstream', reason, message, outcomeUnknown } };
}

/** Errors raised while connecting: the request was never written, so it cannot have taken effect. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function describeError(error: unknown): { reason: UpstreamReason; detail: string; sent: boolean } {
  const err = error as { name?: string; code?: string; message?: string } | undefined;
  const code = err?.code ?? err?.name ?? 'error';
  const timedOut =
    err?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  return { reason: timedOut ? 'timeout' : 'network', detail: code, sent: !CONNECT_ERRORS.has(code) };
}

/**
 * A call's overall deadline, which unlike undici's own timeouts also counts the wait for a free connection.
 * An EventEmitter, which undici takes as an abort signal: an AbortController costs about 5 µs a call.
 */
class Deadline extends EventEmitter {
  /** What undici rejects the call with once the deadline has passed. */
  reason: Error | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.#timer = setTimeout(() => {
      this.reason = Object.assign(new Error('deadline'), { name: 'TimeoutError' });
      this.emit('abort');
    }, ms);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

/** Tencent refuses signatures more than five minutes off; past this offset the client corrects its clock. */
const CLOCK_CORRECTION_THRESHOLD_MS = 60_000;

export class TencentClient implements TencentCaller {
  private readonly targets: Record<Service, Target>;
  private readonly credentials: CredentialSource;
  /** The signer of the credentials last signed with: its signing keys are derived once per day and secret key. */
  private signing: { credentials: Credentials; signer: Tc3Signer } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TencentClientOptions) {
    const connections = options.connections ?? 64;
    this.targets = Object.fromEntries(
      SERVICES.map((service) => [service, targetFor(options.endpoints[service], connections)]),
    ) as Record<Service, Target>;
    this.credentials = isCredentialSource(options.credentials)
      ? options.credentials
      : fixedCredentials(options.credentials);
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds added to the local clock when signing, measured from Tencent's `Date` header. */
  clockOffsetMs = 0;

  async call<A extends TencentAction>(action: A, request: RequestOf<A>): Promise<TencentOutcome<ReplyOf<A>>> {
    const body = JSON.stringify(request);
    const { outcome, date } = await this.send(action, body);
    // A refused timestamp means nothing was done: measure the offset from the reply's Date and sign again, once.
    if (outcome.ok || outcome.failure.kind !== 'tencent' || outcome.failure.code !== 'AuthFailure.SignatureExpire') {
      return outcome;
    }
    const serverTime = date === undefined ? Number.NaN : Date.parse(date);
    if (Number.isNaN(serverTime)) return outcome;
    const offset = serverTime - this.now();
    if (Math.abs(offset - this.clockOffsetMs) < CLOCK_CORRECTION_THRESHOLD_MS) return outcome;
    this.clockOffsetMs = offset;
    return (await this.send(action, body)).outcome;
  }

  /** One signed attempt; a Tencent error comes with the reply's `Date` header, read only if the clock needs it. */
  private async send<A extends TencentAction>(
    action: A,
    body: string,
  ): Promise<{ outcome: TencentOutcome<ReplyOf<A>>; date?: string }> {
    const { service, name } = action;
    const who = `Tencent e-sign (${service} ${name})`;
    let credentials: Credentials;
    try {
      const current = this.credentials.current();
      credentials = current instanceof Promise ? await current : current;
    } catch (error) {
      return { outcome: upstream('credentials', `${who} was not called: ${(error as Error).message}`, false) };
    }
    if (this.signing?.credentials !== credentials) {
      this.signing = { credentials, signer: new Tc3Signer(credentials.secretKey) };
    }
    const target = this.targets[service];
    const timestamp = Math.floor((this.now() + this.clockOffsetMs) / 1000);
    // Signed as in the documentation's example, not only `content-type;host` as the official SDKs sign:
    // without the action in the signature, a captured CancelUserAutoSignEnableUrl could be replayed
    // within its five minutes as DisableUserAutoSign, which takes the same parameters.
    const signed = { 'content-type': 'application/json', host: target.host, 'x-tc-action': name };
    const headers: Record<string, string> = {
      ...signed,
      'x-tc-timestamp': String(timestamp),
      'x-tc-version': SERVICE_VERSIONS[service],
      authorization: this.signing.signer.authorization(
        { secretId: credentials.secretId, service, timestamp },
        { method: 'POST', path: target.path, query: '', headers: signed, payload: body },
      ),
    };
    if (this.options.region) headers['x-tc-region'] = this.options.region;
    if (credentials.token) headers['x-tc-token'] = credentials.token;

    let status: number;
    let text: string;
    let date: string | undefined;
    // Not AbortSignal.timeout: its timer outlives the call and fires later for every call, each firing costly.
    const deadline = new Deadline(this.options.timeoutMs);
    try {
      const res = await target.pool.request({
        method: 'POST',
        path: target.path,
        headers,
        body,
        signal: deadline,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      status = res.statusCode;
      if (typeof res.headers.date === 'string') date = res.headers.date;
      const length = Number(res.headers['content-length'] ?? 0);
      if (length > MAX_REPLY_BYTES) {
        await res.body.dump();
        return {
          outcome: upstream('bad-reply', `${who} sent a reply of ${length} bytes, more than a Tencent reply can be`),
        };
      }
      text = await res.body.text();
    } catch (error) {
      const { reason, detail, sent } = describeError(error);
      return {
        outcome:
          reason === 'timeout'
            ? upstream('timeout', `${who} did not answer within ${this.options.timeoutMs} ms`)
            : upstream('network', `${who} could not be reached (${detail})`, sent),
      };
    } finally {
      deadline.clear();
    }

    if (status !== 200) return { outcome: upstream('http-status', `${who} answered HTTP ${status}`) };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { outcome: upstream('bad-reply', `${who} answered with something that is not JSON`) };
    }
    const envelope = Envelope.safeParse(json);
    if (!envelope.success) {
      return { outcome: upstream('bad-reply', `${who} answered JSON that is not a Tencent API reply`) };
    }
    const { RequestId: requestId, Error: error } = envelope.data.Response;
    if (error) {
      const failure = { kind: 'tencent', code: error.Code, message: error.Message, requestId } as const;
      return { outcome: { ok: false, failure }, date };
    }
    // An object schema drops the keys it does not name, `RequestId` and `Error` among them.
    const reply = action.reply.safeParse(envelope.data.Response);
    if (!reply.success) return { outcome: upstream('bad-reply', `${who} answered without the fields ${name} returns`) };
    return { outcome: { ok: true, requestId, reply: reply.data as ReplyOf<A> } };
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.targets).map((target) => target.pool.close()));
  }
}
