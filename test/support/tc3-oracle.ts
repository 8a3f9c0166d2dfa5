/**
 * TC3-HMAC-SHA256 spelled out step by step as Tencent's "签名方法 v3" page describes it
 * (https://cloud.tencent.com/document/api/213/30654), for tests only: it signs requests the client
 * did not sign and checks requests the client sent. It shares no code with `src/`.
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

export interface DocRequest {
  /** Every header to sign, name and value as sent; the page's rules lower-case and trim both. */
  signed: ReadonlyArray<readonly [string, string]>;
  payload: string | Uint8Array;
  /** HTTPRequestMethod, CanonicalURI, CanonicalQueryString: POST, "/" and "" unless a test says otherwise. */
  method?: string;
  uri?: string;
  query?: string;
  /** Keep header values' case, as this project's client once did: what a verifier must refuse. */
  keepValueCase?: boolean;
}

/** Step 1, 拼接规范请求串. */
export function docCanonicalRequest(req: DocRequest): { canonicalRequest: string; signedHeaders: string } {
  const pairs = req.signed.map(
    ([name, value]) =>
      [name.trim().toLowerCase(), req.keepValueCase ? value.trim() : value.trim().toLowerCase()] as const,
  );
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let canonicalHeaders = '';
  for (const [name, value] of pairs) canonicalHeaders += `${name}:${value}\n`;
  const signedHeaders = pairs.map(([name]) => name).join(';');
  const canonicalRequest =
    `${req.method ?? 'POST'}\n${req.uri ?? '/'}\n${req.query ?? ''}\n` +
    `${canonicalHeaders}\n${signedHeaders}\n${hex(req.payload)}`;
  return { canonicalRequest, signedHeaders };
}

export interface DocScope {
  secretId: string;
  secretKey: string;
  service: string;
  timestamp: number;
  /** Credential date; the UTC date of `timestamp` unless a test wants it wrong. */
  date?: string;
}

/** Steps 2 to 4: string to sign, derived key, signature and the Authorization header. */
export function docSign(scope: DocScope, req: DocRequest) {
  const { canonicalRequest, signedHeaders } = docCanonicalRequest(req);
  const date = scope.date ?? new Date(scope.timestamp * 1000).toISOString().slice(0, 10);
  const credentialScope = `${date}/${scope.service}/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${scope.timestamp}\n${credentialScope}\n${hex(canonicalRequest)}`;
  const secretDate = hmac(`TC3${scope.secretKey}`, date);
  const secretService = hmac(secretDate, scope.service);
  const secretSigning = hmac(secretService, 'tc3_request');
  const signature = createHmac('sha256', secretSigning).update(stringToSign).digest('hex');
  const authorization =
    `TC3-HMAC-SHA256 Credential=${scope.secretId}/${credentialScope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, secretDate, secretService, secretSigning, signature, authorization };
}

/**
 * Checks a request as it arrived (headers and body bytes) against the documented rules: rebuilds the
 * canonical request from the headers its Authorization names and signs it with the secret key.
 */
export function docVerify(
  arrived: { headers: IncomingHttpHeaders; body: Uint8Array },
  secretKey: string,
): { valid: boolean; signedHeaders: string[]; canonicalRequest: string } {
  const authorization = String(arrived.headers.authorization);
  const match =
    /^TC3-HMAC-SHA256 Credential=(.+?)\/(.+?)\/(.+?)\/tc3_request, SignedHeaders=(.+?), Signature=(.+)$/.exec(
      authorization,
    );
  if (!match) return { valid: false, signedHeaders: [], canonicalRequest: '' };
  const [, secretId, date, service, signedList, signature] = match as unknown as string[];
  const names = signedList!.split(';');
  const signed = names.map((name) => [name, String(arrived.headers[name] ?? '')] as const);
  const timestamp = Number(arrived.headers['x-tc-timestamp']);
  const expected = docSign(
    { secretId: secretId!, secretKey, service: service!, timestamp, date: date! },
    {
      signed,
      payload: arrived.body,
    },
  );
  return { valid: expected.signature === signature, signedHeaders: names, canonicalRequest: expected.canonicalRequest };
}
