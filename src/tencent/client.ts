/**
 * The signed Tencent Cloud API 3.0 client: one keep-alive undici pool per
 * endpoint, TC3 signing, and reply parsing into a result, a Tencent error or
 * an upstream failure. It never throws for a call; every outcome is a value.
 * Each call is one attempt: the policies around it live in `caller/`.
 */
import { type Dispatcher, Pool } from 'undici';
import { z } from 'zod';
import type { ReplyOf, RequestOf, TencentAction } from './action.js';
import type {
  AbortReason,
  AttemptCaller,
  AttemptControl,
  AttemptHandle,
  AttemptOptions,
  TencentOutcome,
  UpstreamReason,
} from './caller/types.js';
import { type Credentials, type CredentialSource, fixedCredentials, isCredentialSource } from './credentials/source.js';
import { type Endpoints, SERVICE_VERSIONS, SERVICES, type Service } from './endpoints.js';
import { Tc3Signer } from './sign.js';

export type {
  CallOptions,
  CallTrace,
  Language,
  TencentCaller,
  TencentFailure,
  TencentOutcome,
  UpstreamReason,
} from './caller/types.js';
export { isRequestLimitExceeded } from './caller/types.js';

export interface TencentClientOptions {
  /** Asked before every attempt; fixed credentials may be given as they are. */
  credentials: Credentials | CredentialSource;
  endpoints: Endpoints;
  region?: string | undefined;
  /** Time-out of a call that names none (`AttemptOptions.timeoutMs`), the wait for a free connection included. */
  timeoutMs: number;
  /** Keep-alive connections per endpoint. */
  connections?: number;
  /** Current wall-clock time in milliseconds, for signing; replaceable so tests can skew the clock. */
  now?: () => number;
}

const MAX_REPLY_BYTES = 1024 * 1024;
/** undici's timers for delays of 1 s and more tick every ~0.5 s: its time-outs are off by up to that. */
const UNDICI_TIMER_RESOLUTION_MS = 1_000;

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

function upstream(reason: UpstreamReason, message: string, outcomeUnknown: boolean): TencentOutcome<never> {
  return { ok: false, failure: { kind: 'upstream', reason, message, outcomeUnknown } };
}

/** What came back on the wire, before it is read as a Tencent reply. */
type Exchanged =
  | { ok: true; status: number; text: string; date: string | undefined }
  | { ok: false; outcome: TencentOutcome<never> };

const DATE = 'date';
const CONTENT_LENGTH = 'content-length';

/** A response header's value, found without building the header object undici's own API would. */
function headerValue(raw: readonly Buffer[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && key.toString('latin1').toLowerCase() === name)
      return raw[i + 1]?.toString('latin1');
  }
  return undefined;
}

/**
 * One request on the wire, as an undici dispatch handler. It knows whether the
 * request has been written (`onRequestSent`, which undici calls right after the
 * request's bytes are handed to the socket): stopped before that it answers
 * "not sent"; after that, "outcome unknown". It also holds the attempt's one
 * deadline timer, which counts the wait for a free connection, and collects the
 * reply without the stream a `pool.request()` response would build.
 */
class Exchange implements Dispatcher.DispatchHandler, AttemptHandle {
  written = false;
  private settled = false;
  private abortRequest: ((error: Error) => void) | undefined;
  /** Set when stopped before undici handed over the request: it is dropped as soon as it is. */
  private stopped: Error | undefined;
  private status = 0;
  private date: string | undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly who: string,
    private readonly timeoutMs: number,
    private readonly control: AttemptControl | undefined,
    private readonly resolve: (exchanged: Exchanged) => void,
  ) {
    // One cleared timer per attempt: AbortSignal.timeout's would outlive the call and fire later for each one.
    this.timer = setTimeout(() => this.abort('timeout'), timeoutMs);
    control?.running(this);
  }

  abort(reason: AbortReason): void {
    if (this.settled) return;
    const { written, who } = this;
    const error = new Error(`aborted: ${reason}`);
    if (reason === 'timeout') {
      this.finish({
        ok: false,
        outcome: written
          ? upstream('timeout', `${who} did not answer within ${this.timeoutMs} ms`, true)
          : upstream('timeout', `${who} could not be reached within ${this.timeoutMs} ms`, false),
      });
    } else if (reason === 'cancelled') {
      this.finish({
        ok: false,
        outcome: upstream('cancelled', `The caller went away before ${who} was called`, written),
      });
    } else {
      this.finish({
        ok: false,
        outcome: written
          ? upstream('shutdown', `The service shut down before ${who} answered`, true)
          : upstream('shutdown', `The service is shutting down, so ${who} was not called`, false),
      });
    }
    if (this.abortRequest) this.abortRequest(error);
    else this.stopped = error;
  }

  onConnect(abort: (error: Error) => void): void {
    if (this.stopped) abort(this.stopped);
    else this.abortRequest = abort;
  }

  onRequestSent(): void {
    this.written = true;
    this.control?.written();
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true;
    this.status = status;
    this.date = headerValue(rawHeaders, DATE);
    const length = Number(headerValue(rawHeaders, CONTENT_LENGTH) ?? 0);
    if (length > MAX_REPLY_BYTES) this.tooLarge(`${length} bytes`);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > MAX_REPLY_BYTES) this.tooLarge(`more than ${MAX_REPLY_BYTES} bytes`);
    else this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const { chunks } = this;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.finish({ ok: true, status: this.status, text, date: this.date });
  }

  onError(error: Error): void {
    if (this.settled) return;
    const err = error as { name?: string; code?: string };
    const code = err.code ?? err.name ?? 'error';
    const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
    this.finish({
      ok: false,
      outcome: timedOut
        ? upstream('timeout', `${this.who} did not answer within ${this.timeoutMs} ms`, true)
        : upstream('network', `${this.who} could not be reached (${code})`, this.written),
    });
  }

  private tooLarge(size: string): void {
    this.finish({
      ok: false,
      outcome: upstream('bad-reply', `${this.who} sent a reply of ${size}, more than a Tencent reply can be`, true),
    });
    this.abortRequest?.(new Error('reply too large'));
  }

  private finish(exchanged: Exchanged): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.chunks = [];
    this.control?.running(undefined);
    this.resolve(exchanged);
  }
}

/** Tencent refuses signatures more than five minutes off; past this offset the client corrects its clock. */
const CLOCK_CORRECTION_THRESHOLD_MS = 60_000;

export class TencentClient implements AttemptCaller {
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

  async call<A extends TencentAction>(
    action: A,
    request: RequestOf<A>,
    options?: AttemptOptions,
  ): Promise<TencentOutcome<ReplyOf<A>>> {
    const body = JSON.stringify(request);
    const startedAt = performance.now();
    const timeoutMs = options?.timeoutMs ?? this.options.timeoutMs;
    const { outcome, date } = await this.send(action, body, timeoutMs, options);
    // A refused timestamp means nothing was done: measure the offset from the reply's Date and sign again, once.
    if (outcome.ok || outcome.failure.kind !== 'tencent' || outcome.failure.code !== 'AuthFailure.SignatureExpire') {
      return outcome;
    }
    const serverTime = date === undefined ? Number.NaN : Date.parse(date);
    if (Number.isNaN(serverTime)) return outcome;
    const offset = serverTime - this.now();
    if (Math.abs(offset - this.clockOffsetMs) < CLOCK_CORRECTION_THRESHOLD_MS) return outcome;
    this.clockOffsetMs = offset;
    const left = Math.floor(timeoutMs - (performance.now() - startedAt));
    if (left <= 0) return outcome;
    return (await this.send(action, body, left, options)).outcome;
  }

  /** One signed request; a Tencent error comes with the reply's `Date` header, read only if the clock needs it. */
  private async send<A extends TencentAction>(
    action: A,
    body: string,
    timeoutMs: number,
    options: AttemptOptions | undefined,
  ): Promise<{ outcome: TencentOutcome<ReplyOf<A>>; date?: string | undefined }> {
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
    if (options?.language) headers['x-tc-language'] = options.language;

    const exchanged = await new Promise<Exchanged>((resolve) => {
      const exchange = new Exchange(who, timeoutMs, options?.control, resolve);
      target.pool.dispatch(
        {
          method: 'POST',
          path: target.path,
          headers,
          body,
          // The exchange's own timer ends the attempt at `timeoutMs`. undici's are coarse (ticks of ~0.5 s, and
          // may fire up to a tick early): set to the same value they cut calls short. They are only a backstop.
          headersTimeout: timeoutMs + UNDICI_TIMER_RESOLUTION_MS,
          bodyTimeout: timeoutMs + UNDICI_TIMER_RESOLUTION_MS,
        },
        exchange,
      );
    });
    if (!exchanged.ok) return { outcome: exchanged.outcome };
    const { status, text, date } = exchanged;

    if (status !== 200) return { outcome: upstream('http-status', `${who} answered HTTP ${status}`, true) };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { outcome: upstream('bad-reply', `${who} answered with something that is not JSON`, true) };
    }
    const envelope = Envelope.safeParse(json);
    if (!envelope.success) {
      return { outcome: upstream('bad-reply', `${who} answered JSON that is not a Tencent API reply`, true) };
    }
    const { RequestId: requestId, Error: error } = envelope.data.Response;
    if (error) {
      const failure = { kind: 'tencent', code: error.Code, message: error.Message, requestId } as const;
      return { outcome: { ok: false, failure }, date };
    }
    // An object schema drops the keys it does not name, `RequestId` and `Error` among them.
    const reply = action.reply.safeParse(envelope.data.Response);
    if (!reply.success) {
      return { outcome: upstream('bad-reply', `${who} answered without the fields ${name} returns`, true) };
    }
    return { outcome: { ok: true, requestId, reply: reply.data as ReplyOf<A> } };
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.targets).map((target) => target.pool.close()));
  }
}
