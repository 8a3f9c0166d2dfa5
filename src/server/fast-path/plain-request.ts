/**
 * Which HTTP requests the fast path may take: a plain JSON POST of one
 * operation, from a client that is not a browser, with nothing that another
 * part of the server acts on (idempotency keys, compression, chunked or
 * oversized bodies, extensions such as persisted-query hashes).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { HeaderSource } from '../auth/plugin.js';
import { IDEMPOTENCY_HEADER } from '../idempotency/plugin.js';

const JSON_CONTENT = /^application\/json(;\s*charset=utf-8)?$/i;
// What yoga answers as `application/json`; other media types (graphql-response+json, SSE) are left to it.
const JSON_ACCEPT = new Set([undefined, 'application/json', '*/*']);
const DIGITS = /^\d+$/;

/** The declared body length of a request the fast path may take, else `undefined`. */
export function plainRequestLength(req: IncomingMessage, path: string, maxBodyBytes: number): number | undefined {
  const { headers } = req;
  if (req.method !== 'POST' || req.url !== path) return undefined;
  // A browser always sends Origin on a POST: CORS and CSRF decisions stay with yoga.
  if (headers.origin !== undefined || headers[IDEMPOTENCY_HEADER] !== undefined) return undefined;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return undefined;
  if (!JSON_CONTENT.test(headers['content-type'] ?? '') || !JSON_ACCEPT.has(headers.accept)) return undefined;
  const declared = headers['content-length'];
  if (declared === undefined || !DIGITS.test(declared)) return undefined;
  const length = Number(declared);
  return length > 0 && length <= maxBodyBytes ? length : undefined;
}

export interface PlainParams {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

const PARAM_NAMES = new Set(['query', 'variables', 'operationName']);

/** The GraphQL parameters of a body holding exactly `query` and optionally `variables` and `operationName`. */
export function plainParams(body: Buffer): PlainParams | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const key of Object.keys(value)) if (!PARAM_NAMES.has(key)) return undefined;
  const { query, variables, operationName } = value as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  if (operationName != null && typeof operationName !== 'string') return undefined;
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName ?? undefined,
  };
}

/** A Node request's headers as authentication reads them (a repeated header reads as refused, not merged). */
export function headerSource(headers: IncomingHttpHeaders): HeaderSource {
  return {
    get(name) {
      const value = headers[name];
      return typeof value === 'string' ? value : value === undefined ? null : '';
    },
  };
}
