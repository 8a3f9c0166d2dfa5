/**
 * Verifies TC3-HMAC-SHA256 the way Tencent's "签名方法 v3" page says its servers do
 * (https://cloud.tencent.com/document/api/213/30654). Written from that page, not from the client's
 * signer, so it accepts every request signed by its rules (any set of signed headers that includes
 * content-type and host, names and values lower-cased and trimmed), as the official SDKs sign them,
 * and refuses the rest with Tencent's codes.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import * as errors from './errors.js';
import type { ApiError } from './replies.js';

export interface EmulatorCredentials {
  secretId: string;
  secretKey: string;
  /** Temporary credentials: the X-TC-Token every request must carry. */
  token?: string | undefined;
}

/** "如果相差超过五分钟则必定失败": a timestamp more than 300 s from the server's clock is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface ArrivedRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The service the action belongs to, which the credential scope must name ("必须与调用的产品域名一致"). */
  service: string;
}

// "Algorithm + ' ' + 'Credential=' + SecretId + '/' + CredentialScope + ', ' + 'SignedHeaders=' + SignedHeaders + ', '
// + 'Signature=' + Signature", exactly.
const AUTHORIZATION = new RegExp(
  '^TC3-HMAC-SHA256 Credential=([^/\\s,]+)/(\\d{4}-\\d{2}-\\d{2})/([a-z0-9-]+)/tc3_request, ' +
    'SignedHeaders=([^\\s,]+), Signature=([0-9a-f]{64})$',
);
const HEADER_NAME = /^[a-z0-9-]+$/;
const TIMESTAMP = /^\d{1,12}$/;
/** The Go and Python SDKs' unsignedPayload option: the body is left out and this literal hashed instead. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export class SignatureVerifier {
  /** Derived keys (SecretSigning) by `date/service`; a handful at most, cleared when it grows. */
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private readonly credentials: EmulatorCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  /** The Tencent error to answer, or undefined when the request is authentic. */
  verify(req: ArrivedRequest): ApiError | undefined {
    const authorization = header(req.headers, 'authorization');
    if (authorization === undefined) return errors.invalidAuthorization('Authorization header is missing.');
    const match = AUTHORIZATION.exec(authorization);
    if (!match) {
      return errors.invalidAuthorization('Expected TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=….');
    }
    const [, secretId, date, service, signedList, signature] = match as unknown as [string, ...string[]];
    const signedHeaders = signedList!.split(';');
    if (!this.wellFormed(signedHeaders)) {
      return errors.invalidAuthorization(
        'SignedHeaders must list lower-case header names in ASCII order, content-type and host among them.',
      );
    }

    const timestamp = header(req.headers, 'x-tc-timestamp');
    if (timestamp === undefined) return errors.missingParameter('X-TC-Timestamp');
    if (!TIMESTAMP.test(timestamp)) return errors.invalidParameter('X-TC-Timestamp', 'Integer (Unix seconds)');
    if (Math.abs(this.now() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return errors.signatureExpire();
    if (secretId !== this.credentials.secretId) return errors.secretIdNotFound();
    if (header(req.headers, 'x-tc-token') !== this.credentials.token) return errors.tokenFailure();

    // "Date 必须从时间戳 X-TC-Timestamp 计算得到，且时区为 UTC+0"; the service must be the product called.
    if (date !== new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) || service !== req.service) {
      return errors.signatureFailure();
    }
    const values: string[] = [];
    for (const name of signedHeaders) {
      const value = header(req.headers, name);
      if (value === undefined) return errors.signatureFailure();
      values.push(value.trim().toLowerCase());
    }
    const payloadHash = sha256Hex(
      header(req.headers, 'x-tc-content-sha256') === UNSIGNED_PAYLOAD ? UNSIGNED_PAYLOAD : req.body,
    );
    const expected = Buffer.from(signature!, 'hex');
    const matches = (canonicalValues: readonly string[]): boolean => {
      const canonicalHeaders = signedHeaders.map((name, i) => `${name}:${canonicalValues[i]}\n`).join('');
      // POST: CanonicalURI is "/" and CanonicalQueryString "" whatever the URL.
      const canonicalRequest = `POST\n/\n\n${canonicalHeaders}\n${signedList}\n${payloadHash}`;
      const credentialScope = `${date}/${service}/tc3_request`;
      const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
      const actual = createHmac('sha256', this.signingKey(date!, service!)).update(stringToSign).digest();
      return timingSafeEqual(actual, expected);
    };
    if (matches(values)) return undefined;
    // The official Node SDK signs the host name without the port while its Host header carries one; on
    // Tencent's endpoints (default ports) the two are the same, so such a request must be accepted here too.
    const hostIndex = signedHeaders.indexOf('host');
    const host = values[hostIndex]!;
    const hostname = host.replace(/:\d+$/, '');
    const portless = values.map((value, i) => (i === hostIndex ? hostname : value));
    return hostname !== host && matches(portless) ? undefined : errors.signatureFailure();
  }

  private wellFormed(names: readonly string[]): boolean {
    for (let i = 0; i < names.length; i++) {
      if (!HEADER_NAME.test(names[i]!) || (i > 0 && names[i - 1]! >= names[i]!)) return false;
    }
    return names.includes('content-type') && names.includes('host');
  }

  private signingKey(date: string, service: string): Buffer {
    const cacheKey = `${date}/${service}`;
    let key = this.keys.get(cacheKey);
    if (!key) {
      const secretDate = createHmac('sha256', `TC3${this.credentials.secretKey}`).update(date).digest();
      const secretService = createHmac('sha256', secretDate).update(service).digest();
      key = createHmac('sha256', secretService).update('tc3_request').digest();
      if (this.keys.size >= 8) this.keys.clear();
      this.keys.set(cacheKey, key);
    }
    return key;
  }
}
