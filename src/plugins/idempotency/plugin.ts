/**
 * `Idempotency-Key`: the same key with the same operation and variables
 * answers the first result without calling Tencent again; the same key with
 * a different request is refused; concurrent duplicates wait for the first.
 * Keys belong to the authenticated caller's scope (its id and every Tencent
 * identity it may act as): another caller's equal key is a different record,
 * so a replay never answers a caller what it could not have obtained itself.
 *
 * The running request holds its key by a lease and marks each Tencent call
 * sent in the record before it is written (`markSent` in the resolvers'
 * context). A repeat that finds the lease lapsed (the replica died) runs again
 * if nothing was marked sent, and otherwise answers outcome unknown: 409
 * `IDEMPOTENCY_OUTCOME_UNKNOWN` with the calls marked sent in
 * `extensions.sentCalls`. It never sends them again, nor says they were not sent.
 */
import { createHash } from 'node:crypto';
import { createGraphQLError, type Plugin, type YogaLogger } from 'graphql-yoga';
import { callerScope } from '../../resolvers/caller.js';
import type { MarkSent, MutationOutcome } from '../../resolvers/context.js';
import { authenticatedCaller } from '../auth/plugin.js';
import type { OutcomeLog } from '../outcomes.js';
import { fingerprintOf } from './fingerprint.js';
import type { Claim, IdempotencyStore } from './store.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Results that mean nothing was done (or it is unknown): a repeat with the key must try again, not replay. */
const NOT_SETTLED = new Set(['RateLimitedError', 'UpstreamUnavailableError']);
/** Results refused before anything was sent: nothing a repeat could do twice. */
const NOTHING_SENT = new Set(['ValidationError', 'CallerNotAllowedError']);

/**
 * A record is kept only for an operation that reached Tencent and settled: only that must not be done twice. So an
 * operation without a mutation (`{ mode }`) or one refused before sending keeps nothing, whatever the key.
 */
const worthKeeping = (outcomes: readonly MutationOutcome[]) =>
  outcomes.some(({ typename }) => !NOTHING_SENT.has(typename)) &&
  !outcomes.some(({ typename }) => NOT_SETTLED.has(typename));

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** Every code the plugin refuses with instead of running the operation. */
export const IDEMPOTENCY_REFUSALS = [
  'BAD_IDEMPOTENCY_KEY',
  'IDEMPOTENCY_UNAVAILABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  'IDEMPOTENCY_OUTCOME_UNKNOWN',
] as const;

const refusal = (
  message: string,
  code: (typeof IDEMPOTENCY_REFUSALS)[number],
  status: number,
  details: Record<string, unknown> = {},
) => ({
  errors: [createGraphQLError(message, { extensions: { code, ...details, http: { status } } })],
});

export interface IdempotencyOptions {
  outcomes: OutcomeLog;
  logger: YogaLogger;
}

export function useIdempotency(
  store: IdempotencyStore,
  { outcomes, logger }: IdempotencyOptions,
): Plugin<{ markSent?: MarkSent }> {
  // A record that cannot be written costs only a later replay; the caller still gets its result.
  const keep = (work: Promise<void>) =>
    work.catch((error: unknown) => logger.warn(`Idempotency record not saved: ${(error as Error).message}`));
  /** Each keyed operation's marker, by its context (one per operation, also in a batch of operations). */
  const markers = new WeakMap<object, MarkSent>();
  return {
    onContextBuilding({ context, extendContext }) {
      const markSent = markers.get(context);
      if (markSent) extendContext({ markSent });
    },
    onParams({ request, params, paramsHandler, setParamsHandler }) {
      const header = request.headers.get(IDEMPOTENCY_HEADER);
      if (header === null) return;
      const caller = authenticatedCaller(request);
      // Hashed: a caller id may hold an e-mail address, which should not become a Redis key.
      const key = createHash('sha256')
        .update(`${caller ? callerScope(caller) : 'anonymous'}\u0000${header}`)
        .digest('hex');
      setParamsHandler(async (payload) => {
        if (!VALID_KEY.test(header)) {
          return refusal('Idempotency-Key must be 1–255 visible ASCII characters.', 'BAD_IDEMPOTENCY_KEY', 400);
        }
        const fingerprint = fingerprintOf(params);
        let claim: Claim;
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
            return { data: claim.result.data, extensions: { idempotentReplay: true } };
          case 'unknown':
            // The count, not the calls' names: those are the client's aliases.
            logger.warn(
              `Idempotency-Key repeat answered outcome unknown: its first request sent ${claim.sent.length} call(s) to Tencent and never finished`,
            );
            return refusal(
              'A request with this Idempotency-Key was sent to Tencent but never finished (the replica running it stopped), so whether it took effect is unknown; it is not sent again under this key. To learn the state, repeat the request with a new Idempotency-Key: a cancel that already took effect answers its not-found or invalid error.',
              'IDEMPOTENCY_OUTCOME_UNKNOWN',
              409,
              { sentCalls: claim.sent },
            );
          case 'new':
            break;
        }
        const { lease } = claim;
        markers.set(payload.context, (call) => lease.markSent(call));
        let result: Awaited<ReturnType<typeof paramsHandler>>;
        try {
          result = await paramsHandler(payload);
        } catch (error) {
          await keep(lease.release());
          throw error;
        }
        if (Symbol.asyncIterator in result || result.errors?.length || !worthKeeping(outcomes.of(payload.context))) {
          await keep(lease.release());
        } else {
          await keep(lease.complete({ data: result.data }));
        }
        return result;
      });
    },
  };
}
