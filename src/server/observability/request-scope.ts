/**
 * What a log line needs to know about the GraphQL request it happens in.
 * Tencent calls are made deep below the resolvers, through an interface
 * that takes no context, so the scope travels with the async call chain
 * (AsyncLocalStorage) instead of through every signature.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface RequestScope {
  requestId: string;
  /** `performance.now()` when the operation started. */
  startedAt: number;
  /** The operation's name, once known. */
  operation?: string | undefined;
  operationType?: string | undefined;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** The scope of the GraphQL operation being handled, if any. */
export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
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
