/**
 * A fast fake Tencent upstream on loopback: it answers every signed call with
 * success at once and keeps no state, so repeated cancels keep succeeding and
 * the measurement is of the contenders, not of the upstream.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';
import { UPSTREAM_REQUEST_ID } from './workload.js';

const SUCCESS = JSON.stringify({ Response: { RequestId: UPSTREAM_REQUEST_ID } });
// An unsigned call must not pass for a signed one: the contenders' reply bodies are checked, so this shows up.
const UNSIGNED = JSON.stringify({
  Response: { RequestId: UPSTREAM_REQUEST_ID, Error: { Code: 'AuthFailure.SignatureFailure', Message: 'not signed' } },
});

function answer(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.once('end', () => {
    const signed = req.headers.authorization?.startsWith('TC3-HMAC-SHA256 ') && req.headers['x-tc-action'];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(signed ? SUCCESS : UNSIGNED);
  });
}

export async function startUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(answer);
  // Longer than any contender's idle time between runs, so pools stay warm and no run pays for reconnects.
  server.keepAliveTimeout = 120_000;
  const { port, close } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, close };
}
