/**
 * The yoga plugin that authenticates every GraphQL request once, before it is
 * parsed: a bearer JWT or an API key, else HTTP 401 with `UNAUTHENTICATED`.
 * The caller it finds goes into the resolver context.
 */
import { createGraphQLError, type Plugin, type YogaLogger } from 'graphql-yoga';
import type { Caller } from '../../resolvers/caller.js';
import { API_KEY_HEADER, apiKeyMatcher } from './api-keys.js';
import type { AuthConfig } from '../../config/index.js';
import { jwtVerifier, type TokenCheck } from './jwt.js';

type Outcome = TokenCheck | { ok: false; reason: 'missing' | 'ambiguous'; detail?: undefined };
type Refusal = Exclude<Outcome, { ok: true }>;

/** Why a request was refused, as logged and counted. */
export type RefusalReason = Refusal['reason'];

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

function authenticator(config: AuthConfig): (headers: Headers) => Promise<Outcome> {
  const verifyToken = config.jwt ? jwtVerifier(config.jwt) : undefined;
  const matchKey = config.apiKeys.length > 0 ? apiKeyMatcher(config.apiKeys) : undefined;
  return async (headers) => {
    const authorization = headers.get('authorization');
    const apiKey = headers.get(API_KEY_HEADER);
    if (authorization !== null && apiKey !== null) return { ok: false, reason: 'ambiguous' };
    if (authorization !== null) {
      const token = BEARER.exec(authorization)?.[1];
      if (token === undefined) return { ok: false, reason: 'invalid', detail: 'not a bearer token' };
      if (!verifyToken) return { ok: false, reason: 'invalid', detail: 'bearer tokens are not configured' };
      return verifyToken(token);
    }
    if (apiKey !== null) {
      const caller = matchKey?.(apiKey);
      return caller ? { ok: true, caller } : { ok: false, reason: 'invalid', detail: 'unknown API key' };
    }
    return { ok: false, reason: 'missing' };
  };
}

function refusal(outcome: Refusal, config: AuthConfig) {
  const accepted = [config.jwt && '`Authorization: Bearer <token>`', config.apiKeys.length > 0 && '`X-API-Key: <key>`']
    .filter(Boolean)
    .join(' or ');
  if (outcome.reason === 'unavailable') {
    return createGraphQLError(
      'Bearer tokens cannot be verified right now (the signing keys are unreachable); retry later.',
      {
        extensions: { code: 'AUTHENTICATION_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': '5' } } },
      },
    );
  }
  const messages = {
    missing: `Authentication required: send ${accepted}.`,
    ambiguous: 'Send one credential: either an Authorization header or an X-API-Key header, not both.',
    expired: 'The bearer token has expired.',
    invalid: `The credential was not accepted; send ${accepted}.`,
  } as const;
  // RFC 6750: a request with no credential gets the bare challenge; a rejected one says so.
  const challenge = outcome.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
  return createGraphQLError(messages[outcome.reason], {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': challenge } } },
  });
}

/** Callers by request, set before the request's parameters are handled, so other plugins can scope by caller. */
const callers = new WeakMap<Request, Caller>();

/** The caller authenticated for this request; absent when authentication is off. */
export function authenticatedCaller(request: Request): Caller | undefined {
  return callers.get(request);
}

export interface AuthenticationOptions {
  logger: YogaLogger;
  /** Counts each refused request, once. */
  onRefused: (reason: RefusalReason) => void;
}

export function useCallerAuthentication(
  config: AuthConfig,
  { logger, onRefused }: AuthenticationOptions,
): Plugin<{ caller?: Caller }> {
  const authenticate = authenticator(config);
  return {
    // Once per HTTP request (a batch included): the only place a credential is judged.
    async onRequestParse({ request }) {
      const outcome = await authenticate(request.headers);
      if (!outcome.ok) {
        onRefused(outcome.reason);
        if (outcome.reason === 'unavailable') logger.warn(`Caller authentication unavailable: ${outcome.detail}`);
        else logger.debug(`Caller refused: ${outcome.reason}${outcome.detail ? ` (${outcome.detail})` : ''}`);
        throw refusal(outcome, config);
      }
      logger.debug(`Caller authenticated: ${outcome.caller.id}`);
      callers.set(request, outcome.caller);
    },
    onContextBuilding({ context, extendContext }) {
      extendContext({ caller: callers.get(context.request) });
    },
  };
}
