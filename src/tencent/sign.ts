/**
 * TC3-HMAC-SHA256 (Tencent Cloud API 3.0 signature v3) as the client signs its requests, following
 * Tencent's "签名方法 v3" page (https://cloud.tencent.com/document/api/213/30654). The emulator does
 * not use this module: it verifies with its own reading of the same page, so a mistake here shows.
 */
import { createHash, createHmac } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** What the canonical request is built from. */
export interface CanonicalRequest {
  method: string;
  path: string;
  query: string;
  /** Only the headers that are signed: name → value, exactly as sent (names in any case). */
  headers: Readonly<Record<string, string>>;
  payload: string | Uint8Array;
}

export interface SignatureScope {
  secretId: string;
  service: string;
  /** Unix seconds; also selects the UTC date of the credential scope. */
  timestamp: number;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** `YYYY-MM-DD` in UTC, the date part of the credential scope. */
export function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/**
 * Returns the canonical request text and the `SignedHeaders` list. "头部 key 和 value 统一转成小写，并去掉首尾空格"
 * (header names and values lower-cased and trimmed), sorted by name in ASCII order: the documentation's
 * example signs `x-tc-action:describeinstances` for `X-TC-Action: DescribeInstances`.
 */
export function canonicalRequest(req: CanonicalRequest): { text: string; signedHeaders: string } {
  const headers = Object.entries(req.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedHeaders = headers.map(([name]) => name).join(';');
  const text = [
    req.method.toUpperCase(),
    req.path,
    req.query,
    canonicalHeaders,
    signedHeaders,
    sha256Hex(req.payload),
  ].join('\n');
  return { text, signedHeaders };
}

/**
 * Derives signing keys for one secret key. The key for a (date, service) pair
 * is cached because it only changes once per UTC day; the cache keeps the
 * last few entries so a day boundary never grows it.
 */
export class Tc3Signer {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly secretKey: string) {}

  signingKey(date: string, service: string): Buffer {
    const cacheKey = `${date}/${service}`;
    let key = this.keys.get(cacheKey);
    if (!key) {
      const kDate = hmac(`TC3${this.secretKey}`, date);
      key = hmac(hmac(kDate, service), 'tc3_request');
      if (this.keys.size >= 8) this.keys.clear();
      this.keys.set(cacheKey, key);
    }
    return key;
  }

  /** The hex signature of a hashed canonical request. */
  signature(scope: Omit<SignatureScope, 'secretId'>, hashedCanonicalRequest: string): string {
    const date = utcDate(scope.timestamp);
    const credentialScope = `${date}/${scope.service}/tc3_request`;
    const stringToSign = [TC3_ALGORITHM, String(scope.timestamp), credentialScope, hashedCanonicalRequest].join('\n');
    return createHmac('sha256', this.signingKey(date, scope.service)).update(stringToSign).digest('hex');
  }

  /** The complete `Authorization` header value for a request. */
  authorization(scope: SignatureScope, req: CanonicalRequest): string {
    const { text, signedHeaders } = canonicalRequest(req);
    const signature = this.signature(scope, sha256Hex(text));
    const credential = `${scope.secretId}/${utcDate(scope.timestamp)}/${scope.service}/tc3_request`;
    return `${TC3_ALGORITHM} Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }
}
