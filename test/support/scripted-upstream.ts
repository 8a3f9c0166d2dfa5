/**
 * Test helper: an HTTP server on loopback standing in for Tencent that verifies
 * nothing and does what the test says with each request (answer, hang, reset,
 * send garbage), recording what arrived.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  headers: IncomingMessage['headers'];
  body: string;
}

export type Behaviour = (res: ServerResponse, arrival: Arrival) => void;

export const SUCCESS_BODY = JSON.stringify({ Response: { RequestId: 'stand-in-request' } });

export const answerSuccess: Behaviour = (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(SUCCESS_BODY);
};

export interface ScriptedUpstream {
  url: string;
  readonly arrivals: Arrival[];
  /** What to do with the next requests, in order; once used up, `fallback`. */
  next: Behaviour[];
  fallback: Behaviour;
  /** Resolves when `count` requests have arrived in all. */
  arrived(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const waiting: { count: number; resolve: () => void }[] = [];
  const upstream: ScriptedUpstream = {
    url: '',
    arrivals: [],
    next: [],
    fallback: answerSuccess,
    arrived(count) {
      if (upstream.arrivals.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
    close: async () => {},
  };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const arrival = { headers: req.headers, body };
      upstream.arrivals.push(arrival);
      for (const waiter of waiting.filter((w) => upstream.arrivals.length >= w.count)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
      (upstream.next.shift() ?? upstream.fallback)(res, arrival);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstream.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return upstream;
}
