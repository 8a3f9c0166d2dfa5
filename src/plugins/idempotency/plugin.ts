/**
 * `Idempotency-Key`: the same key with the same operation and variables
 * answers the first result without calling Tencent again; the same key with
 * a different request is refused; concurrent duplicates wait for the first.
 * Keys belong to the authenticated caller: another caller's equal key is a
 * different record, so one caller can never replay another's result.
 */
import { createHash } from 'node:crypto';
import { createGraphQLError, type Plugin, type YogaLogger } from 'graphql-yoga';
import { authenticatedCaller } from '../auth/plugin.js';
import type { OutcomeLog } from '../outcomes.js';
import type { IdempotencyStore } from './store.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Results that mean nothing was done (or it is unknown): a repeat with the key must try again, not replay. */
const NOT_SETTLED = new Set(['RateLimitedError', 'UpstreamUnavailableError']);

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted, so the same variables in another order are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const refusal = (message: string, code: string, status: number) => ({
  errors: [createGraphQLError(message, { extensions: { code, http: { status } } })],
});

export interface IdempotencyOptions {
  outcomes: OutcomeLog;
  logger: YogaLogger;
}

export function useIdempotency(store: IdempotencyStore, { outcomes, logger }: IdempotencyOptions): Plugin {
  // A record that cannot be written costs only a later replay; the caller still gets its result.
  const keep = (work: Promise<void>) =>
    work.catch((error: unknown) => logger.warn(`Idempotency record not saved: ${(error as Error).message}`));
  return {
    onParams({ request, params, paramsHandler, setParamsHandler }) {
      const header = request.headers.get(IDEMPOTENCY_HEADER);
      if (header === null) return;
      // Hashed: a caller id may hold an e-mail address, which should not become a Redis key.
      const key = createHash('sha256')
        .update(`${authenticatedCaller(request)?.id ?? 'anonymous'}\u0000${header}`)
        .digest('hex');
      setParamsHandler(async (payload) => {
        if (!VALID_KEY.test(header)) {
          return refusal('Idempotency-Key must be 1–255 visible ASCII characters.', 'BAD_IDEMPOTENCY_KEY', 400);
        }
        // Extensions carry a trusted document's hash when the query itself is absent.
        const request = [params.query, params.operationName, params.variables, params.extensions].map(
          (part) => part ?? null,
        );
        const fingerprint = createHash('sha256').update(canonical(request)).digest('hex');
        let claim: Awaited<ReturnType<IdempotencyStore['claim']>>;
        try {
          claim = await store.claim(key, fingerprint);
        } catch {
          return refusal(
            'Idempotency records are unavailable right now, so nothing was run; retry shortly.',
            'IDEMPOTENCY_UNAVAILABLE',
            503,
          );
        }
        switch (claim.state) {
          case 'conflict':
            return refusal(
              'This Idempotency-Key was already used for a different operation or variables; use a new key.',
              'IDEMPOTENCY_KEY_REUSED',
              422,
            );
          case 'busy':
            return refusal(
              'A request with this Idempotency-Key is still running; retry shortly.',
              'IDEMPOTENCY_KEY_IN_USE',
              409,
            );
          case 'replay':
            return { ...claim.result, extensions: { ...claim.result.extensions, idempotentReplay: true } };
          case 'new':
            break;
        }
        let result: Awaited<ReturnType<typeof paramsHandler>>;
        try {
          result = await paramsHandler(payload);
        } catch (error) {
          await keep(store.release(key));
          throw error;
        }
        const settled = !outcomes.of(payload.context).some((outcome) => NOT_SETTLED.has(outcome));
        if (Symbol.asyncIterator in result || result.errors?.length || !settled) {
          await keep(store.release(key));
        } else {
          await keep(store.complete(key, fingerprint, result));
        }
        return result;
      });
    },
  };
}
