/**
 * What a log line needs to know about the GraphQL operation it happens in.
 * The scope travels in the resolver context (`trace`) and from there as an
 * argument to the Tencent caller. Not AsyncLocalStorage: on Node 20 it hooks
 * every promise, which cost about a sixth of the CPU time per request
 * (`npm run bench`).
 */
import { randomUUID } from 'node:crypto';
import type { OperationSpan } from './tracing.js';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface RequestScope {
  requestId: string;
  /** `performance.now()` when the operation started. */
  startedAt: number;
  /** The operation's name, once known. */
  operation?: string | undefined;
  operationType?: string | undefined;
  /** The operation's span, while tracing is on: its ids go into the operation's log lines and Tencent calls. */
  span?: OperationSpan | undefined;
}

// Visible ASCII only and bounded: an id taken from a client must not be able to forge or flood a log line.
const ACCEPTED_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's `X-Request-Id` when it is a sane token, a new UUID otherwise. */
export function requestIdFrom(header: string | null): string {
  return header !== null && ACCEPTED_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Milliseconds since a `performance.now()` reading, to a tenth. */
export function millisecondsSince(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}
