/** Test helpers for caller authentication: a JWKS served over real HTTP, tokens signed with jose, raw requests. */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

export const ISSUER = 'https://id.example.test/';
export const AUDIENCE = 'esign-graphql';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface TokenOptions {
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token that has expired; `null` for none at all. */
  expiresIn?: number | null;
  /** Sign with another key under the same `kid`: the signature does not verify. */
  forgedKey?: boolean;
  /** The `sub` claim; `null` for none (a `sub` of another type can be given in the claims). Default `user-1`. */
  subject?: string | null;
  /** Seconds from now of `iat`; default a minute ago. */
  issuedIn?: number;
}

export interface JwksServer {
  url: string;
  /** How many times the key set was fetched. */
  readonly fetches: number;
  /** Claims of any shape: a test may send what an identity provider should not (a `sub` that is an object). */
  sign(claims: Record<string, unknown>, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

const listen = async (server: ReturnType<typeof createServer>): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const close = (server: ReturnType<typeof createServer>) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

export async function signToken(
  key: PrivateKey | Uint8Array,
  alg: string,
  claims: Record<string, unknown>,
  options: TokenOptions = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg, kid: 'test-key' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now + (options.issuedIn ?? -60));
  if (options.subject !== null) jwt.setSubject(options.subject ?? 'user-1');
  if (options.expiresIn !== null) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
  return jwt.sign(key);
}

/** An identity provider's key set at `<url>/jwks.json`, and tokens signed with its private key. */
export async function startJwks(): Promise<JwksServer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const forged = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  const base = await listen(server);
  return {
    url: `${base}/jwks.json`,
    get fetches() {
      return fetches;
    },
    sign: (claims, options = {}) =>
      signToken(options.forgedKey ? forged.privateKey : privateKey, 'RS256', claims, options),
    close: () => close(server),
  };
}

/** Upstream request bodies seen by {@link startRecordingProxy}. */
export interface RecordingProxy {
  url: string;
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of the emulator that keeps each request
 * body, so a test can see exactly what was sent to Tencent. It forwards the
 * original `Host`, which the TC3 signature covers.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const { hostname, port } = new URL(target);
  const bodies: Record<string, unknown>[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    bodies.push(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    const upstream = httpRequest(
      { hostname, port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.end(body);
  });
  const url = await listen(server);
  return { url, bodies, close: () => close(server) };
}
