/**
 * (c) The limit for any layer: an HTTP server that, with no GraphQL at all,
 * parses the JSON body, signs the wire request (TC3) and calls the upstream
 * over a keep-alive pool, then answers the same reply the layer does. It is
 * sent the layer's request body and ignores the query text.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { Pool } from 'undici';
import { SERVICE_VERSIONS } from '../../src/tencent/endpoints.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';
import { Tc3Signer } from '../../src/tencent/sign.js';
import { listenOnLoopback } from '../loopback.js';
import {
  type BenchInput,
  CREDENTIALS,
  EXPECTED_REPLY,
  graphqlBody,
  LAYER_QUERY,
  successReply,
  wireRequest,
} from '../workload.js';
import type { StartContender } from './contender.js';

// The action's own description, so the limit sends exactly what the layer's client sends.
const ACTION = ChannelCancelMultiFlowSignQRCode.name;
const VERSION = SERVICE_VERSIONS[ChannelCancelMultiFlowSignQRCode.service];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const startRaw: StartContender = async (upstreamUrl) => {
  const upstream = new URL(upstreamUrl);
  const pool = new Pool(upstream.origin, { connections: 64, keepAliveTimeout: 30_000 });
  const signer = new Tc3Signer(CREDENTIALS.secretKey);

  async function call(input: BenchInput): Promise<string> {
    const payload = JSON.stringify(wireRequest(input));
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = { 'content-type': 'application/json', host: upstream.host, 'x-tc-action': ACTION };
    const authorization = signer.authorization(
      { secretId: CREDENTIALS.secretId, service: 'essbasic', timestamp },
      { method: 'POST', path: '/', query: '', headers: signed, payload },
    );
    const res = await pool.request({
      method: 'POST',
      path: '/',
      headers: { ...signed, 'x-tc-timestamp': String(timestamp), 'x-tc-version': VERSION, authorization },
      body: payload,
    });
    const reply = (await res.body.json()) as { Response: { RequestId: string; Error?: unknown } };
    if (reply.Response.Error) throw new Error('upstream refused the call');
    return reply.Response.RequestId;
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => call((JSON.parse(body) as { variables: { input: BenchInput } }).variables.input))
      .then((requestId) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(successReply(requestId));
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${listening.port}/graphql`,
    workload: { body: graphqlBody(LAYER_QUERY), expectBody: EXPECTED_REPLY },
    async close() {
      await listening.close();
      await pool.close();
    },
  };
};
