/**
 * TC3-HMAC-SHA256, Tencent Cloud API 3.0 request signing.
 * Shared by the client (to sign) and the emulator (to verify), so both sides
 * agree on one implementation of the canonical request.
 */
import { createHash, createHmac } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** What the canonical request is built from; header names are matched case-insensitively. */
export interface CanonicalRequest {
  method: string;
  path: string;
  query: string;
  /** Only the headers that are signed: name → value. */
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

/** Returns the canonical request text and the `SignedHeaders` list. */
export function canonicalRequest(req: CanonicalRequest): { text: string; signedHeaders: string } {
  const headers = Object.entries(req.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
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

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION_PATTERN =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Parses an `Authorization` header written by {@link Tc3Signer.authorization} or Tencent's SDKs. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match = AUTHORIZATION_PATTERN.exec(header.trim());
  if (!match) return undefined;
  const [, secretId, date, service, signedHeaders, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { secretId, date, service, signedHeaders: signedHeaders.split(';'), signature };
}
