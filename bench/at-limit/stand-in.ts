/**
 * A stand-in for Tencent at its limit, on loopback: it verifies nothing,
 * records when each call arrived, and answers success or
 * `RequestLimitExceeded` as its limiter model decides. Requests marked
 * `x-warm-up` are answered and not counted. It does not import src/.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LimiterModel } from './models.js';

export interface Arrival {
  /** `Date.now()` when the request had fully arrived. */
  at: number;
  /** The call's `QrCodeId`, which the harness makes unique per call. */
  id: string;
  action: string;
  accepted: boolean;
}

export interface StandIn {
  url: string;
  readonly arrivals: Arrival[];
  close(): Promise<void>;
}

const refusal = (requestId: string) =>
  JSON.stringify({
    Response: {
      RequestId: requestId,
      Error: { Code: 'RequestLimitExceeded', Message: '请求的次数超过了频率限制。' },
    },
  });

export async function startStandIn(model: LimiterModel): Promise<StandIn> {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      if (req.headers['x-warm-up']) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      let id = '';
      try {
        id = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { QrCodeId?: unknown }).QrCodeId ?? '');
      } catch {}
      const accepted = model.accept(at);
      arrivals.push({ at, id, action: String(req.headers['x-tc-action'] ?? ''), accepted });
      const requestId = randomUUID();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(accepted ? JSON.stringify({ Response: { RequestId: requestId } }) : refusal(requestId));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
