/**
 * A misbehaving stand-in for Tencent in a process of its own (forked by processes.ts), so that what it does to a
 * connection (hold it, reset it) is done by another process's kernel socket, as a real upstream would. It records
 * each request's arrival (its time and the QR code it names) and does with it what the parent last asked: answer,
 * answer late, hang, reset the connection, or answer something that is not Tencent's reply.
 */
import type { ServerResponse } from 'node:http';
import { answerSuccess, type Behaviour, startScriptedUpstream } from '../support/scripted-upstream.js';
import type { UpstreamArrival, UpstreamBehaviour, UpstreamMessage } from './processes.js';

function behaviourFor(spec: UpstreamBehaviour): Behaviour {
  switch (spec.kind) {
    case 'answer':
      return answerSuccess;
    case 'slow':
      return (res, arrival) => {
        const timer = setTimeout(() => answerSuccess(res, arrival), spec.ms);
        res.on('close', () => clearTimeout(timer));
      };
    case 'hang':
      return () => {};
    case 'reset':
      // RST, not FIN: the client sees ECONNRESET with its request written and no reply.
      return (res: ServerResponse) => res.socket?.resetAndDestroy();
    case 'garbage':
      return (res) => {
        res.writeHead(spec.status, { 'content-type': spec.contentType });
        res.end(spec.body);
      };
  }
}

const upstream = await startScriptedUpstream();
const arrivals: UpstreamArrival[] = [];
let current = behaviourFor({ kind: 'answer' });
upstream.fallback = (res, arrival) => {
  let qrCodeId: string | undefined;
  try {
    qrCodeId = (JSON.parse(arrival.body) as { QrCodeId?: string }).QrCodeId;
  } catch {}
  arrivals.push({ at: Date.now(), qrCodeId });
  process.send!({ type: 'arrived', count: arrivals.length });
  current(res, arrival);
};

process.on('message', (message: UpstreamMessage) => {
  if (message.type === 'behave') {
    current = behaviourFor(message.behaviour);
    process.send!({ type: 'behaving' });
  } else process.send!({ type: 'arrivals', arrivals });
});
// The parent going away (its disconnect, or its end) ends this process too.
process.on('disconnect', () => void upstream.close().then(() => process.exit(0)));
process.send!({ type: 'ready', url: upstream.url });
