/**
 * The yoga plugin that authenticates every GraphQL request before it is
 * parsed: a bearer JWT or an API key, else HTTP 401 with `UNAUTHENTICATED`.
 * The caller it finds goes into the resolver context.
 */
import { createGraphQLError, type Plugin, type YogaLogger } from 'graphql-yoga';
import type { Caller } from '../../resolvers/caller.js';
import { API_KEY_HEADER, apiKeyMatcher } from './api-keys.js';
import type { AuthConfig } from '../../config/index.js';
import { jwtVerifier, type TokenCheck } from './jwt.js';

type Outcome = TokenCheck | { ok: false; reason: 'missing' | 'ambiguous' };

/** What authentication reads from a request: Fetch `Headers`, or a view of a Node request's headers. */
export interface HeaderSource {
  get(name: string): string | null;
}

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

function authenticator(config: AuthConfig): (headers: HeaderSource) => Promise<Outcome> {
  const verifyToken = config.jwt ? jwtVerifier(config.jwt) : undefined;
  const matchKey = config.apiKeys.length > 0 ? apiKeyMatcher(config.apiKeys) : undefined;
  return async (headers) => {
    const authorization = headers.get('authorization');
    const apiKey = headers.get(API_KEY_HEADER);
    if (authorization !== null && apiKey !== null) return { ok: false, reason: 'ambiguous' };
    if (authorization !== null) {
      const token = BEARER.exec(authorization)?.[1];
      if (token === undefined || !verifyToken) return { ok: false, reason: 'invalid' };
      return verifyToken(token);
    }
    if (apiKey !== null) {
      const caller = matchKey?.(apiKey);
      return caller ? { ok: true, caller } : { ok: false, reason: 'invalid' };
    }
    return { ok: false, reason: 'missing' };
  };
}

function refusal(outcome: Exclude<Outcome, { ok: true }>, config: AuthConfig) {
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

/** Authenticates one request's headers, logging why a caller was refused (never the credential itself). */
export type CallerAuthenticator = (headers: HeaderSource) => Promise<Outcome>;

export function callerAuthenticator(config: AuthConfig, logger: YogaLogger): CallerAuthenticator {
  const authenticate = authenticator(config);
  return async (headers) => {
    const outcome = await authenticate(headers);
    if (outcome.ok) logger.debug(`Caller authenticated: ${outcome.caller.id}`);
    else if (outcome.reason === 'unavailable') logger.warn(`Caller authentication unavailable: ${outcome.detail}`);
    else logger.debug(`Caller refused: ${outcome.reason}`);
    return outcome;
  };
}

export function useCallerAuthentication(
  config: AuthConfig,
  authenticate: CallerAuthenticator,
): Plugin<{ caller?: Caller }> {
  return {
    async onRequestParse({ request }) {
      const outcome = await authenticate(request.headers);
      if (!outcome.ok) throw refusal(outcome, config);
      callers.set(request, outcome.caller);
    },
    onContextBuilding({ context, extendContext }) {
      extendContext({ caller: callers.get(context.request) });
    },
  };
}
