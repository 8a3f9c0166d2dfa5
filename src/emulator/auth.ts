/** Verifies a request's TC3 signature the way Tencent's gateway does. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Credentials } from '../tencent/credentials/index.js';
import { canonicalRequest, parseAuthorization, sha256Hex, Tc3Signer, utcDate } from '../tencent/sign.js';
import type { TencentErrorReply } from './replies.js';

/** Tencent refuses a signature whose timestamp is more than five minutes off. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface SignedRequest {
  headers: IncomingHttpHeaders;
  path: string;
  query: string;
  body: Buffer;
  service: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export class SignatureVerifier {
  private readonly signer: Tc3Signer;

  constructor(
    private readonly credentials: Credentials,
    private readonly now: () => number = Date.now,
  ) {
    this.signer = new Tc3Signer(credentials.secretKey);
  }

  /** Returns the Tencent error to answer, or undefined when the request is authentic. */
  verify(req: SignedRequest): TencentErrorReply | undefined {
    const auth = parseAuthorization(header(req.headers, 'authorization') ?? '');
    if (!auth) {
      return { code: 'AuthFailure.InvalidAuthorization', message: 'Authorization header is missing or malformed.' };
    }
    const timestamp = Number(header(req.headers, 'x-tc-timestamp'));
    if (!Number.isInteger(timestamp)) {
      return { code: 'MissingParameter', message: 'The request is missing a valid X-TC-Timestamp header.' };
    }
    if (Math.abs(this.now() / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
      return { code: 'AuthFailure.SignatureExpire', message: 'Signature expired: the timestamp is more than 5 minutes off.' };
    }
    if (auth.secretId !== this.credentials.secretId) {
      return { code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found.' };
    }
    if (this.credentials.token && header(req.headers, 'x-tc-token') !== this.credentials.token) {
      return { code: 'AuthFailure.TokenFailure', message: 'The session token is invalid.' };
    }
    const failure = { code: 'AuthFailure.SignatureFailure', message: 'The provided credentials could not be validated.' };
    if (auth.date !== utcDate(timestamp) || auth.service !== req.service) return failure;
    if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) return failure;

    const signedValues: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const value = header(req.headers, name);
      if (value === undefined) return failure;
      signedValues[name] = value;
    }
    const expected = Buffer.from(auth.signature, 'hex');
    const matches = (host: string): boolean => {
      const { text } = canonicalRequest({
        method: 'POST',
        path: req.path,
        query: req.query,
        headers: { ...signedValues, host },
        payload: req.body,
      });
      const actual = Buffer.from(this.signer.signature({ service: req.service, timestamp }, sha256Hex(text)), 'hex');
      return timingSafeEqual(actual, expected);
    };
    const host = signedValues.host!;
    // Tencent's Node SDK signs the host name without the port even when it sends one;
    // on Tencent's own endpoints (default ports) the two are the same.
    const hostname = host.replace(/:\d+$/, '');
    return matches(host) || (hostname !== host && matches(hostname)) ? undefined : failure;
  }
}
