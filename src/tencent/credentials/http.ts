/** The few HTTP requests credential providers make (STS, the instance metadata service), on a pool of their own. */
import { Agent } from 'undici';

/** STS and metadata replies are a few hundred bytes; anything larger is not one. */
const MAX_REPLY_BYTES = 64 * 1024;

export interface HttpReply {
  status: number;
  text: string;
  /** The reply's `Date` header, when it has one. */
  date: string | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export class CredentialHttp {
  private readonly agent = new Agent({ connections: 2, keepAliveTimeout: 4_000 });

  constructor(private readonly timeoutMs: number) {}

  /** Rejects on a network failure or time-out, with the origin and the error code in the message. */
  async send(url: string, { method, headers, body }: HttpRequest, timeoutMs = this.timeoutMs): Promise<HttpReply> {
    let res: Awaited<ReturnType<Agent['request']>>;
    const { origin, pathname, search } = new URL(url);
    try {
      res = await this.agent.request({
        origin,
        path: pathname + search,
        method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const err = error as { code?: string; name?: string; cause?: { code?: string } };
      const code =
        err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.code ?? err.cause?.code ?? err.name);
      throw new Error(`${origin} could not be reached (${code})`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) {
        res.body.destroy();
        throw new Error(`${origin} sent a reply larger than ${MAX_REPLY_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
    const date = res.headers.date;
    return {
      status: res.statusCode,
      text: Buffer.concat(chunks).toString('utf8'),
      date: typeof date === 'string' ? date : undefined,
    };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
