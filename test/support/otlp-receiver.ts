/**
 * Test helper: an OTLP/HTTP collector on loopback that keeps what the exporter posts (JSON encoding, gzip or not),
 * decoded into spans with their resource and attributes as plain values.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

type AnyValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key: string; value: AnyValue };

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
}

interface ExportRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

export type Attribute = string | number | boolean | Attribute[];

export interface ReceivedSpan extends Omit<OtlpSpan, 'attributes'> {
  attributes: Record<string, Attribute>;
  resource: Record<string, Attribute>;
}

/** Span kinds as OTLP numbers them. */
export const SPAN_KIND = { server: 2, client: 3 } as const;

function plain(value: AnyValue): Attribute {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue ?? '';
}

const attributesOf = (list: KeyValue[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, plain(value)])) as Record<string, Attribute>;

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

export interface OtlpReceiver {
  /** The base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it. */
  url: string;
  spans(): ReceivedSpan[];
  /** Every request body as posted (decompressed), for searching. */
  bodies(): string[];
  /** Paths posted to. */
  paths(): string[];
  /** Resolves once at least `count` spans have arrived. */
  waitForSpans(count: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const paths: string[] = [];
  const server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    bodies.push(body);
    paths.push(request.url ?? '');
    const decoded = JSON.parse(body) as ExportRequest;
    for (const { resource, scopeSpans = [] } of decoded.resourceSpans ?? []) {
      for (const { spans = [] } of scopeSpans) {
        for (const span of spans) {
          received.push({
            ...span,
            attributes: attributesOf(span.attributes),
            resource: attributesOf(resource?.attributes),
          });
        }
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    server.emit('spans');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    bodies: () => [...bodies],
    paths: () => [...paths],
    async waitForSpans(count) {
      while (received.length < count) await once(server, 'spans');
      return [...received];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
