/**
 * A stand-in for the CVM instance metadata service on loopback: it names the instance's role and hands out that
 * role's temporary credentials, issued by the test emulator's STS so that the emulator accepts them. Replies as
 * Tencent's instance role documentation shows them (`TmpSecretId`, `TmpSecretKey`, `Token`, `ExpiredTime`,
 * `Expiration`, `Code: "Success"`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from '../../src/emulator/server.js';
import type { IssuedCredentials } from '../../src/emulator/sts.js';

export interface FakeMetadata {
  /** Base URL as `TENCENT_METADATA_URL` takes it: `http://127.0.0.1:<port>/latest/meta-data/`. */
  url: string;
  /** The role bound to the instance; undefined: none (the role-name path answers 404). */
  role: string | undefined;
  /** Lifetime of the credentials handed out. */
  lifetimeSeconds: number;
  /** While set, credential requests answer this instead: an HTTP status, or a `Code` other than `Success`. */
  failWith: number | string | undefined;
  /** Requests for credentials answered so far (the role-name lookups not counted). */
  credentialRequests: number;
  /** The credentials handed out, in order. */
  issued: IssuedCredentials[];
  close(): Promise<void>;
}

const PREFIX = '/latest/meta-data/cam/security-credentials/';

export async function startMetadata(
  emulator: Emulator,
  options: { role?: string | undefined; lifetimeSeconds?: number } = {},
): Promise<FakeMetadata> {
  const server = createServer((req, res) => {
    const send = (status: number, body: string, type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const path = req.url ?? '/';
    if (req.method !== 'GET' || !path.startsWith(PREFIX)) return send(404, 'not found');
    const name = decodeURIComponent(path.slice(PREFIX.length));
    if (!metadata.role || (name !== '' && name !== metadata.role)) return send(404, 'not found');
    if (name === '') return send(200, metadata.role);
    metadata.credentialRequests += 1;
    const { failWith } = metadata;
    if (typeof failWith === 'number') return send(failWith, 'metadata failure');
    if (typeof failWith === 'string') return send(200, JSON.stringify({ Code: failWith }), 'application/json');
    const issued = emulator.sts.issue(`qcs::cam::uin/100000000001:roleName/${metadata.role}`, metadata.lifetimeSeconds);
    metadata.issued.push(issued);
    const reply = {
      TmpSecretId: issued.secretId,
      TmpSecretKey: issued.secretKey,
      ExpiredTime: issued.expiresAt / 1000,
      Expiration: new Date(issued.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Token: issued.token,
      Code: 'Success',
    };
    send(200, JSON.stringify(reply), 'application/json');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const metadata: FakeMetadata = {
    url: `http://127.0.0.1:${port}/latest/meta-data/`,
    role: 'role' in options ? options.role : 'esign-instance',
    lifetimeSeconds: options.lifetimeSeconds ?? 7200,
    failWith: undefined,
    credentialRequests: 0,
    issued: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return metadata;
}
