/**
 * The attack suite: what an attacker tries against a production-mode service (`NODE_ENV=production`, real HTTP, the
 * emulator as Tencent behind a proxy that records every body sent), one row per attack with what must happen.
 * Bearer tokens are verified against a key set served by a local JWKS server that counts its fetches, or against a
 * shared secret; API keys come bound, unbound and unrestricted. The service logs at debug level into a captured log,
 * and the last attack searches every response and every log line for a secret or personal data.
 * See harness.ts for printing the table.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { UnsecuredJWT } from 'jose';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { DEMO } from '../../src/emulator/seed.js';
import { apiKeyDigest } from '../../src/plugins/auth/api-keys.js';
import type { RunningService } from '../../src/server/service.js';
import {
  AUDIENCE,
  ISSUER,
  type JwksServer,
  type RecordingProxy,
  signToken,
  startJwks,
  startRecordingProxy,
} from '../support/auth.js';
import { compiled } from '../support/build.js';
import { capturedLog } from '../support/captured-log.js';
import { TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';
import { useStarted } from '../support/lifecycle.js';
import { sample } from '../support/prometheus.js';
import { EMPTY_HOME, serviceFor } from '../support/service.js';
import { attacks } from './harness.js';

const NAME = '欧阳明月';
const ID = '11010519491231002X';
const OTHER_OPERATOR = 'someoneElsesOperatorUserId000000';
const CONFIGURED_OPERATOR = 'theConfiguredOperatorUserId00000';
const SECRET = 'a-shared-secret-of-at-least-32-characters';
const KEYS = {
  bound: 'esk_attack-suite-bound-key-0123456789',
  unbound: 'esk_attack-suite-unbound-key-0123456789',
  unrestricted: 'esk_attack-suite-unrestricted-key-012345',
};
const API_KEYS = JSON.stringify([
  { name: 'bound', sha256: apiKeyDigest(KEYS.bound), essOperatorUserId: DEMO.essOperatorUserId },
  { name: 'unbound', sha256: apiKeyDigest(KEYS.unbound) },
  { name: 'unrestricted', sha256: apiKeyDigest(KEYS.unrestricted), unrestricted: true },
]);
/** A clinic employee who may act as the demo ess operator and the demo essbasic operator. */
const CLAIMS = {
  ess_operator_user_id: DEMO.essOperatorUserId,
  essbasic_proxy_organization_open_id: DEMO.proxyOrganizationOpenId,
  essbasic_proxy_operator_open_id: DEMO.proxyOperatorOpenId,
};

const emulator = useEmulator();
const log = capturedLog('debug');
const jwks = useStarted('JWKS server', startJwks, (server) => server.close());
const proxy = useStarted<RecordingProxy>(
  'recording proxy',
  () => startRecordingProxy(emulator.current.url),
  (server) => server.close(),
);
const production = (env: NodeJS.ProcessEnv) => ({
  NODE_ENV: 'production',
  TENCENT_ESS_ENDPOINT: proxy().url,
  TENCENT_ESSBASIC_ENDPOINT: proxy().url,
  TENCENT_ESS_OPERATOR_USER_ID: CONFIGURED_OPERATOR,
  TENCENT_ESSBASIC_APP_ID: DEMO.appId,
  ...env,
});
/** Key set, API keys, one allowed origin: most attacks go here. */
const keySet = useStarted<RunningService>(
  'key-set service',
  () =>
    serviceFor(
      emulator.current,
      production({
        AUTH_JWKS_URL: jwks().url,
        AUTH_JWT_ISSUER: ISSUER,
        AUTH_JWT_AUDIENCE: AUDIENCE,
        AUTH_JWT_CLOCK_TOLERANCE_SECONDS: '5',
        AUTH_API_KEYS: API_KEYS,
        CORS_ORIGINS: 'https://app.example.test',
      }),
      log.logger,
    ),
  (service) => service.close(),
);
/** A shared secret, batching on (2 per request), and a small idempotency store. */
const sharedSecret = useStarted<RunningService>(
  'shared-secret service',
  () =>
    serviceFor(
      emulator.current,
      production({
        AUTH_JWT_SECRET: SECRET,
        AUTH_JWT_ISSUER: ISSUER,
        AUTH_JWT_AUDIENCE: AUDIENCE,
        AUTH_API_KEYS: API_KEYS,
        GRAPHQL_BATCH_LIMIT: '2',
        IDEMPOTENCY_MAX_RECORDS: '10',
      }),
      log.logger,
    ),
  (service) => service.close(),
);

/** Every response body, for the last attack. */
const responses: string[] = [];
/** Every credential sent, which no response or log line may repeat. */
const credentials = new Set<string>(Object.values(KEYS));

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: {
    data?: Record<string, { __typename?: string; message?: string } | null>;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

async function send(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  responses.push(text);
  let body: Reply['body'] = {};
  try {
    body = JSON.parse(text) as Reply['body'];
  } catch {}
  return { status: res.status, headers: res.headers, text, body };
}

function post(payload: unknown, headers: Record<string, string> = {}, service = keySet()): Promise<Reply> {
  for (const [name, value] of Object.entries(headers)) if (/authorization|api-key/i.test(name)) credentials.add(value);
  return send(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const token = (claims: Record<string, unknown> = CLAIMS, options: Parameters<JwksServer['sign']>[1] = {}) =>
  jwks().sign(claims, options);
const apiKey = (key: keyof typeof KEYS) => ({ 'x-api-key': KEYS[key] });

const SELECTION = '{ __typename ... on Error { message } }';
const CANCEL_AUTO_SIGN = `mutation ($input: CancelUserAutoSignEnableUrlInput!) { result: cancelUserAutoSignEnableUrl(input: $input) ${SELECTION} }`;
const CANCEL_QR = `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { result: channelCancelMultiFlowSignQRCode(input: $input) ${SELECTION} }`;

let people = 0;
/** A person with a pending enablement link (so a cancel that reaches Tencent succeeds), named like the canaries. */
function person() {
  const who = {
    name: `${NAME}${++people}`,
    idCardType: 'ID_CARD' as const,
    idCardNumber: `${ID.slice(0, 14)}${String(people).padStart(3, '0')}X`,
  };
  emulator.current.state.createAutoSignLink({ sceneKey: DEMO.sceneKey, ...who });
  return who;
}
const autoSign = (extra: object = {}) => ({
  query: CANCEL_AUTO_SIGN,
  variables: { input: { sceneKey: DEMO.sceneKey, userInfo: person(), ...extra } },
});
function qrCancel(agent: object = {}) {
  const owner = { appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId };
  const qrCodeId = emulator.current.state.createQrCode(owner, 7).id;
  const own = {
    proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
    proxyOperator: { openId: DEMO.proxyOperatorOpenId },
  };
  return { query: CANCEL_QR, variables: { input: { agent: { ...own, ...agent }, qrCodeId } } };
}

/** Runs `attempt`, and expects it to have sent nothing to Tencent. */
async function unsent<T>(attempt: () => Promise<T>): Promise<T> {
  const before = proxy().bodies.length;
  const result = await attempt();
  expect(proxy().bodies.length, 'calls sent to Tencent').toBe(before);
  return result;
}

const codeOf = (reply: Reply) => reply.body.errors?.[0]?.extensions?.code;
const summary = (reply: Reply) =>
  `HTTP ${reply.status} ${codeOf(reply) ?? reply.body.data?.result?.__typename ?? ''}`.trim();

/** A refusal by authentication: 401 with the challenge, nothing executed or sent. */
async function refused(headers: Record<string, string>, message = /not accepted/): Promise<string> {
  const reply = await unsent(() => post(autoSign(), headers));
  expect(reply.status).toBe(401);
  expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(reply.body.data).toBeUndefined();
  expect(reply.body.errors).toEqual([
    { message: expect.stringMatching(message), extensions: { code: 'UNAUTHENTICATED' } },
  ]);
  return `${summary(reply)}, nothing sent`;
}

async function metrics(service: RunningService): Promise<string> {
  return (await fetch(new URL('/metrics', service.url))).text();
}

attacks('tokens and keys', [
  {
    attack: 'unsigned token (alg none)',
    expected: '401 UNAUTHENTICATED, nothing sent',
    run: async () =>
      refused(
        bearer(
          new UnsecuredJWT(CLAIMS)
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setSubject('u')
            .setExpirationTime('5m')
            .encode(),
        ),
      ),
  },
  {
    attack: 'HS256 token signed with the key set’s public key (algorithm confusion)',
    expected: '401, nothing sent',
    run: async () => {
      const published = (await (await fetch(jwks().url)).json()) as { keys: { n: string }[] };
      return refused(bearer(await signToken(new TextEncoder().encode(published.keys[0]!.n), 'HS256', CLAIMS)));
    },
  },
  {
    attack: 'token signed with another key under the key set’s kid',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token(CLAIMS, { forgedKey: true }))),
  },
  {
    attack: 'token whose payload was changed after signing (another operator)',
    expected: '401, nothing sent',
    run: async () => {
      const [header, , signature] = (await token()).split('.');
      const payload = {
        ...CLAIMS,
        ess_operator_user_id: OTHER_OPERATOR,
        iss: ISSUER,
        aud: AUDIENCE,
        sub: 'u',
        exp: 2e9,
      };
      return refused(bearer(`${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`));
    },
  },
  {
    attack: 'expired token, beyond the clock tolerance',
    expected: '401 "has expired", nothing sent',
    run: async () => refused(bearer(await token(CLAIMS, { expiresIn: -30 })), /has expired/),
  },
  {
    attack: 'token not valid yet (nbf in 10 minutes)',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token({ ...CLAIMS, nbf: Math.floor(Date.now() / 1000) + 600 }))),
  },
  {
    attack: 'token issued in the future (iat in 10 minutes)',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token(CLAIMS, { issuedIn: 600 }))),
  },
  {
    attack: 'token without exp',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token(CLAIMS, { expiresIn: null }))),
  },
  {
    attack: 'token from another issuer',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token(CLAIMS, { issuer: 'https://evil.example.test/' }))),
  },
  {
    attack: 'token for another audience',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token(CLAIMS, { audience: 'another-api' }))),
  },
  {
    attack: 'token without sub (every such token would be one caller)',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token(CLAIMS, { subject: null }))),
  },
  {
    attack: 'token whose sub is {"a":1} (would become "[object Object]")',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token({ ...CLAIMS, sub: { a: 1 } }, { subject: null }))),
  },
  {
    attack: 'token with a mapped identity claim that is not a string',
    expected: '401, nothing sent',
    run: async () => refused(bearer(await token({ ...CLAIMS, ess_operator_user_id: 42 }))),
  },
  {
    attack: 'token signed with another shared secret (HS256 service)',
    expected: '401, nothing sent',
    run: async () => {
      const other = new TextEncoder().encode('another-secret-that-is-also-32-characters');
      const reply = await post({ query: '{ mode }' }, bearer(await signToken(other, 'HS256', CLAIMS)), sharedSecret());
      expect(reply.status).toBe(401);
      expect(codeOf(reply)).toBe('UNAUTHENTICATED');
      const good = await post(
        { query: '{ mode }' },
        bearer(await signToken(new TextEncoder().encode(SECRET), 'HS256', CLAIMS)),
        sharedSecret(),
      );
      expect(good.body).toEqual({ data: { mode: 'PRODUCTION' } });
      return `${summary(reply)}; the right secret: HTTP ${good.status}`;
    },
  },
  {
    attack: 'RS256 token from the key set sent to the shared-secret service',
    expected: '401',
    run: async () => {
      const reply = await post({ query: '{ mode }' }, bearer(await token()), sharedSecret());
      expect(reply.status).toBe(401);
      return summary(reply);
    },
  },
  {
    attack: 'no credential at all',
    expected: '401 with the bare `WWW-Authenticate: Bearer` challenge',
    run: async () => {
      const result = await refused({}, /^Authentication required/);
      expect((await post({ query: '{ mode }' })).headers.get('www-authenticate')).toBe('Bearer');
      return result;
    },
  },
  {
    attack: 'unknown API key',
    expected: '401, nothing sent',
    run: async () => refused({ 'x-api-key': 'esk_guessed-0123456789' }),
  },
  {
    attack: 'a token and an API key together',
    expected: '401 "Send one credential", nothing sent',
    run: async () => refused({ ...bearer(await token()), ...apiKey('bound') }, /^Send one credential/),
  },
  {
    attack: 'Basic credentials in Authorization',
    expected: '401, nothing sent',
    run: async () => refused({ authorization: 'Basic dXNlcjpwYXNz' }),
  },
  {
    attack: 'refused requests, one of them a batch, against a fresh key-set service',
    expected: 'each request authenticated once: the key set fetched once in all, one refusal counted per request',
    run: async () => {
      const fresh = await startJwks();
      const service = await serviceFor(
        emulator.current,
        production({
          AUTH_JWKS_URL: fresh.url,
          AUTH_JWT_ISSUER: ISSUER,
          AUTH_JWT_AUDIENCE: AUDIENCE,
          GRAPHQL_BATCH_LIMIT: '2',
        }),
      );
      try {
        const forged = bearer(await fresh.sign(CLAIMS, { forgedKey: true }));
        expect((await post({ query: '{ mode }' }, forged, service)).status).toBe(401);
        expect(fresh.fetches).toBe(1);
        expect(sample(await metrics(service), 'graphql_auth_refusals_total', { reason: 'invalid' })).toBe(1);
        for (let i = 0; i < 4; i++) await post({ query: '{ mode }' }, forged, service);
        await post([{ query: '{ mode }' }, { query: '{ mode }' }], forged, service);
        const good = await post(
          [{ query: '{ mode }' }, { query: '{ mode }' }],
          bearer(await fresh.sign(CLAIMS)),
          service,
        );
        expect(good.body).toEqual([{ data: { mode: 'PRODUCTION' } }, { data: { mode: 'PRODUCTION' } }]);
        const refusals = sample(await metrics(service), 'graphql_auth_refusals_total', { reason: 'invalid' });
        expect(refusals).toBe(6);
        expect(fresh.fetches).toBe(1);
        return `7 requests (6 refused, 2 of them batches): ${fresh.fetches} key set fetch, ${refusals} refusals counted`;
      } finally {
        await service.close();
        await fresh.close();
      }
    },
  },
]);

attacks('operator binding', [
  {
    attack: 'token names another ess operator in the input',
    expected: 'CallerNotAllowedError naming the field, not the values; nothing sent',
    run: async () => {
      const reply = await unsent(async () =>
        post(autoSign({ operator: { userId: OTHER_OPERATOR } }), bearer(await token())),
      );
      expect(reply.body.data?.result).toEqual({
        __typename: 'CallerNotAllowedError',
        message: expect.stringContaining('input.operator.userId'),
      });
      expect(reply.text).not.toContain(OTHER_OPERATOR);
      return `${summary(reply)}, nothing sent`;
    },
  },
  {
    attack: 'token names another essbasic organisation, or another operator',
    expected: 'CallerNotAllowedError for each; nothing sent',
    run: async () => {
      const replies = await unsent(async () => [
        await post(qrCancel({ proxyOrganizationOpenId: 'org_competitor' }), bearer(await token())),
        await post(qrCancel({ proxyOperator: { openId: 'intruder' } }), bearer(await token())),
      ]);
      for (const reply of replies) expect(reply.body.data?.result?.__typename).toBe('CallerNotAllowedError');
      return `${replies.map(summary).join('; ')}, nothing sent`;
    },
  },
  {
    attack: 'token bound to no operator, with TENCENT_ESS_OPERATOR_USER_ID configured',
    expected: 'CallerNotAllowedError: no fall-back to the configured operator; nothing sent',
    run: async () => {
      const reply = await unsent(async () => post(autoSign(), bearer(await token({}))));
      expect(reply.body.data?.result?.__typename).toBe('CallerNotAllowedError');
      return `${summary(reply)}, nothing sent`;
    },
  },
  {
    attack: 'API key bound to one operator names another',
    expected: 'CallerNotAllowedError; nothing sent',
    run: async () => {
      const reply = await unsent(() => post(autoSign({ operator: { userId: OTHER_OPERATOR } }), apiKey('bound')));
      expect(reply.body.data?.result?.__typename).toBe('CallerNotAllowedError');
      return `${summary(reply)}, nothing sent`;
    },
  },
  {
    attack: 'API key with no identity makes an ess call',
    expected: 'CallerNotAllowedError; nothing sent',
    run: async () => {
      const reply = await unsent(() => post(autoSign(), apiKey('unbound')));
      expect(reply.body.data?.result?.__typename).toBe('CallerNotAllowedError');
      return `${summary(reply)}, nothing sent`;
    },
  },
]);

attacks('idempotency', [
  {
    attack: 'two tokens of one subject, bound to different operators, send the same body with the same Idempotency-Key',
    expected: 'the second runs its own call as its own operator (no replay, no 422); the first still replays its own',
    run: async () => {
      const key = { 'idempotency-key': 'attack-shared-key-1' };
      const request = autoSign();
      const first = await post(request, { ...bearer(await token()), ...key });
      expect(first.body.data?.result?.__typename).toBe('CancelUserAutoSignEnableUrlSuccess');
      const before = proxy().bodies.length;
      const second = await post(request, {
        ...bearer(await token({ ...CLAIMS, ess_operator_user_id: OTHER_OPERATOR })),
        ...key,
      });
      expect(second.status).toBe(200);
      expect(second.body.extensions).toBeUndefined();
      expect(second.body.data?.result?.__typename).toBe('AutoSignEnableUrlNotFoundError');
      expect(proxy().bodies.slice(before)).toMatchObject([{ Operator: { UserId: OTHER_OPERATOR } }]);
      const again = await post(request, { ...bearer(await token()), ...key });
      expect(again.body).toEqual({ ...first.body, extensions: { idempotentReplay: true } });
      return `first ${summary(first)}; second ${summary(second)} (its own call); first again: replay`;
    },
  },
  {
    attack: 'another caller (another API key) reuses a caller’s Idempotency-Key with the same body',
    expected: 'its own call: no replay of the other’s result, no 422',
    run: async () => {
      const key = { 'idempotency-key': 'attack-shared-key-2' };
      const request = qrCancel();
      const first = await post(request, { ...bearer(await token()), ...key });
      const other = await post(request, { ...apiKey('unrestricted'), ...key });
      expect(first.body.data?.result?.__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
      expect(other.body.data?.result?.__typename).toBe('QrCodeInvalidError');
      expect(other.body.extensions).toBeUndefined();
      return `first ${summary(first)}; other caller ${summary(other)}, not a replay`;
    },
  },
  {
    attack: '1,000 `{ mode }` requests from a key with no bindings, each with a fresh Idempotency-Key',
    expected: 'no record kept (nothing was sent), so memory does not grow; no Tencent call',
    run: async () => {
      const before = sample(await metrics(keySet()), 'idempotency_records');
      expect(before).toBeTypeOf('number');
      const replies = await unsent(async () => {
        const all: Reply[] = [];
        for (let i = 0; i < 1_000; i++)
          all.push(await post({ query: '{ mode }' }, { ...apiKey('unbound'), 'idempotency-key': `fresh-${i}` }));
        return all;
      });
      expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([200]));
      const records = sample(await metrics(keySet()), 'idempotency_records');
      expect(records).toBe(before);
      return `1,000 × HTTP 200, idempotency_records ${before} before and ${records} after, nothing sent`;
    },
  },
  {
    attack: '30 calls that reach Tencent, each with a fresh Idempotency-Key, against IDEMPOTENCY_MAX_RECORDS=10',
    expected: 'at most 10 records held; the oldest 20 evicted and counted',
    run: async () => {
      for (let i = 0; i < 30; i++) {
        const reply = await post(
          qrCancel(),
          { ...apiKey('unrestricted'), 'idempotency-key': `evict-${i}` },
          sharedSecret(),
        );
        expect(reply.body.data?.result?.__typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
      }
      const text = await metrics(sharedSecret());
      const records = sample(text, 'idempotency_records');
      const evicted = sample(text, 'idempotency_records_evicted_total');
      expect(records).toBe(10);
      expect(evicted).toBe(20);
      return `idempotency_records ${records}, idempotency_records_evicted_total ${evicted}`;
    },
  },
  {
    attack: 'variables nested 20,000 arrays deep, with an Idempotency-Key',
    expected: 'answered (HTTP 200), not 500',
    run: async () => {
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      const reply = await post(`{"query":"{ mode }","variables":{"deep":${deep}}}`, {
        ...apiKey('unbound'),
        'idempotency-key': 'deep-1',
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ data: { mode: 'PRODUCTION' } });
      return `HTTP ${reply.status}`;
    },
  },
]);

/** Expects a refusal that repeats none of the request's personal data, and answers its status and code. */
async function echoFree(reply: Reply, status: number, code: string): Promise<string> {
  expect(reply.status).toBe(status);
  const errors = Array.isArray(reply.body)
    ? reply.body.flatMap((one: Reply['body']) => one.errors ?? [])
    : (reply.body.errors ?? []);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors[0]?.extensions?.code).toBe(code);
  for (const error of errors) expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
  for (const canary of [NAME, ID.slice(0, 14), ID.slice(2, -2)]) expect(reply.text).not.toContain(canary);
  return `HTTP ${reply.status} ${code}, ${reply.text.length} bytes, no input repeated`;
}

const withPerson = { sceneKey: 'OTHER', userInfo: { name: NAME, idCardType: 'ID_CARD', idCardNumber: ID } };

attacks('echoed input', [
  {
    attack: 'malformed JSON body of 92 kB full of names and ID numbers',
    expected: '400 BAD_REQUEST, a short error, the body not repeated (in message, extensions or anywhere)',
    run: async () => {
      const people = JSON.stringify(Array(1_100).fill(withPerson.userInfo));
      const body = `{"query":"{ mode }","variables":{"people":${people}`;
      expect(Buffer.byteLength(body)).toBeGreaterThan(90_000);
      const reply = await post(body, apiKey('unbound'));
      expect(reply.text.length).toBeLessThan(200);
      return echoFree(reply, 400, 'BAD_REQUEST');
    },
  },
  {
    attack: 'the same malformed body to a client that accepts only application/json',
    expected: '400 BAD_REQUEST (not 200)',
    run: async () =>
      echoFree(await post('{"query":', { ...apiKey('unbound'), accept: 'application/json' }), 400, 'BAD_REQUEST'),
  },
  {
    attack: 'invalid JSON in a GET’s variables, holding an ID number',
    expected: '400 BAD_REQUEST, not 500; nothing logged as an error',
    run: async () => {
      const errorsBefore = log.records().filter((record) => (record.level as number) >= 50).length;
      const query = new URLSearchParams({ query: '{ mode }', variables: `{"id":"${ID}"` });
      const reply = await send(`${keySet().url}?${query}`, {
        headers: { ...apiKey('unbound'), 'x-graphql-yoga-csrf': '1' },
      });
      expect(log.records().filter((record) => (record.level as number) >= 50)).toHaveLength(errorsBefore);
      return echoFree(reply, 400, 'BAD_REQUEST');
    },
  },
  {
    attack: 'invalid JSON in a GET’s extensions',
    expected: '400 BAD_REQUEST, not 500',
    run: async () => {
      const query = new URLSearchParams({ query: '{ mode }', extensions: `[${NAME}` });
      return echoFree(
        await send(`${keySet().url}?${query}`, { headers: { ...apiKey('unbound'), 'x-graphql-yoga-csrf': '1' } }),
        400,
        'BAD_REQUEST',
      );
    },
  },
  {
    attack: 'invalid JSON in a form’s variables',
    expected: '400 BAD_REQUEST, not 500',
    run: async () => {
      const body = new URLSearchParams({ query: '{ mode }', variables: `{"name":"${NAME}"` }).toString();
      const headers = {
        ...apiKey('unbound'),
        'x-graphql-yoga-csrf': '1',
        'content-type': 'application/x-www-form-urlencoded',
      };
      return echoFree(await send(keySet().url, { method: 'POST', headers, body }), 400, 'BAD_REQUEST');
    },
  },
  {
    attack: 'an ID number given as a number where a string is expected',
    expected: '400 BAD_USER_INPUT, the value not repeated',
    run: async () => {
      const input = { ...withPerson, userInfo: { ...withPerson.userInfo, idCardNumber: Number(ID.slice(0, -1)) } };
      return echoFree(
        await post({ query: CANCEL_AUTO_SIGN, variables: { input } }, apiKey('unbound')),
        400,
        'BAD_USER_INPUT',
      );
    },
  },
  {
    attack: 'an input missing a field (graphql-js repeats the whole object, name and ID number included)',
    expected: '400 BAD_USER_INPUT, the object not repeated',
    run: async () => {
      const input = { userInfo: withPerson.userInfo };
      return echoFree(
        await post({ query: CANCEL_AUTO_SIGN, variables: { input } }, apiKey('unbound')),
        400,
        'BAD_USER_INPUT',
      );
    },
  },
  {
    attack: 'input keys that are a name and an ID number',
    expected: '400 BAD_USER_INPUT, the keys not repeated',
    run: async () => {
      const input = { ...withPerson, [NAME]: 1, [ID]: 2, [`H${ID.slice(0, 10)}`]: 3 };
      return echoFree(
        await post({ query: CANCEL_AUTO_SIGN, variables: { input } }, apiKey('unbound')),
        400,
        'BAD_USER_INPUT',
      );
    },
  },
  {
    attack: 'personal data inline in the document: a wrong literal type, a string in a syntax error',
    expected: '400 GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED, nothing repeated',
    run: async () => {
      const literal = `mutation { cancelUserAutoSignEnableUrl(input: { sceneKey: OTHER, userInfo: { name: "${NAME}", idCardType: ID_CARD, idCardNumber: ${ID.slice(0, -1)} } }) { __typename } }`;
      const observed = [
        await echoFree(await post({ query: literal }, apiKey('unbound')), 400, 'GRAPHQL_VALIDATION_FAILED'),
      ];
      observed.push(
        await echoFree(
          await post({ query: `{ mode(a: "${NAME}${ID}" }` }, apiKey('unbound')),
          400,
          'GRAPHQL_PARSE_FAILED',
        ),
      );
      return observed.join('; ');
    },
  },
  {
    attack: 'a body parameter and an operation name that are personal data',
    expected: '400, neither repeated',
    run: async () => {
      const observed = [
        await echoFree(await post({ query: '{ mode }', [NAME]: ID }, apiKey('unbound')), 400, 'BAD_REQUEST'),
      ];
      const named = await post({ query: '{ mode }', operationName: `${NAME}${ID}` }, apiKey('unbound'));
      observed.push(await echoFree(named, 400, 'OPERATION_RESOLUTION_FAILURE'));
      return observed.join('; ');
    },
  },
  {
    attack: 'a batch (limit 2) of two operations with malformed personal data',
    expected: 'each answered with its error, nothing repeated',
    run: async () => {
      const batch = [
        { query: CANCEL_AUTO_SIGN, variables: { input: { userInfo: withPerson.userInfo } } },
        { query: `{ "${NAME}${ID}" }` },
      ];
      const reply = await post(batch, apiKey('unbound'), sharedSecret());
      const codes = (reply.body as unknown as Reply['body'][]).map((one) => one.errors?.[0]?.extensions?.code);
      expect(codes).toEqual(['BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED']);
      return `${await echoFree(reply, 200, 'BAD_USER_INPUT')}; codes ${codes.join(', ')}`;
    },
  },
]);

/** The messages of a refused document, which must hold no suggestion. */
async function withoutSuggestions(payload: object): Promise<string[]> {
  const reply = await post(payload, apiKey('unbound'));
  expect(reply.text).not.toMatch(/did you mean|suggestion/i);
  const messages = (reply.body.errors ?? []).map((error) => error.message);
  expect(messages.length).toBeGreaterThan(0);
  return messages;
}

attacks('schema discovery', [
  {
    attack: 'introspection query, and __type',
    expected: 'refused; nothing about the schema answered',
    run: async () => {
      const full = await post({ query: getIntrospectionQuery() }, apiKey('unbound'));
      const type = await post({ query: '{ __type(name: "Mutation") { fields { name } } }' }, apiKey('unbound'));
      for (const reply of [full, type]) {
        expect(reply.body.data).toBeUndefined();
        expect(reply.body.errors?.[0]?.message).toMatch(/introspection/i);
      }
      expect(type.text).not.toContain('cancelUserAutoSignEnableUrl');
      return `${summary(full)}; __type: ${summary(type)}`;
    },
  },
  {
    attack: 'a browser opens the endpoint to get GraphiQL',
    expected: 'no GraphiQL page',
    run: async () => {
      const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
      const reply = await send(keySet().url, { headers: { accept, ...apiKey('unbound') } });
      expect(reply.headers.get('content-type') ?? '').not.toMatch(/html/);
      expect(reply.text).not.toMatch(/graphiql/i);
      return `HTTP ${reply.status} ${reply.headers.get('content-type')}`;
    },
  },
  {
    attack: 'misspelt enum value, inline and through variables (Did you mean the enum value "ID_CARD"?)',
    expected: 'no suggestion',
    run: async () => {
      const inline = `mutation { cancelUserAutoSignEnableUrl(input: { sceneKey: OTHER, userInfo: { name: "n", idCardType: ID_CARDS, idCardNumber: "n" } }) { __typename } }`;
      const input = { sceneKey: 'OTHER', userInfo: { name: 'n', idCardType: 'ID_CARDS', idCardNumber: 'n' } };
      const messages = [
        ...(await withoutSuggestions({ query: inline })),
        ...(await withoutSuggestions({ query: CANCEL_AUTO_SIGN, variables: { input } })),
      ];
      return messages.join(' / ');
    },
  },
  {
    attack: 'misspelt field, argument, type and input field',
    expected: 'no suggestion for any of them',
    run: async () => {
      const documents = [
        'mutation { cancelUserAutoSignEnableUr }',
        'mutation { cancelUserAutoSignEnableUrl(inpt: {}) { __typename } }',
        'mutation ($i: CancelUserAutoSignEnableUrlInpt!) { cancelUserAutoSignEnableUrl(input: $i) { __typename } }',
        'mutation { cancelUserAutoSignEnableUrl(input: { sceneKy: OTHER }) { __typename } }',
      ];
      const messages: string[] = [];
      for (const query of documents) messages.push(...(await withoutSuggestions({ query })));
      return `${messages.length} messages, none with a suggestion`;
    },
  },
]);

const aliased = (count: number) =>
  `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { ${Array.from({ length: count }, (_, i) => `c${i}: channelCancelMultiFlowSignQRCode(input: $input) { __typename }`).join(' ')} }`;

async function refusedDocument(query: string, code: string, message: RegExp): Promise<string> {
  const reply = await unsent(() => post({ query, variables: qrCancel().variables }, apiKey('unrestricted')));
  expect(reply.status).toBe(400);
  expect(reply.body.errors).toEqual([{ message: expect.stringMatching(message), extensions: { code } }]);
  return `${summary(reply)}, nothing sent`;
}

attacks('abuse limits', [
  {
    attack: '10 aliased cancels in one document',
    expected: '400 GRAPHQL_VALIDATION_FAILED (alias limit 5), nothing sent',
    run: async () => refusedDocument(aliased(10), 'GRAPHQL_VALIDATION_FAILED', /^Aliases limit of 5 exceeded/),
  },
  {
    attack: 'selection 7 deep',
    expected: '400 GRAPHQL_VALIDATION_FAILED (depth limit 6), nothing sent',
    run: async () =>
      refusedDocument(
        'mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { channelCancelMultiFlowSignQRCode(input: $input) { ... on ValidationError { issues { path { a { b { c { d } } } } } } } }',
        'GRAPHQL_VALIDATION_FAILED',
        /^Query depth limit of 6 exceeded/,
      ),
  },
  {
    attack: '11 directives',
    expected: '400 GRAPHQL_VALIDATION_FAILED (directive limit 10), nothing sent',
    run: async () =>
      refusedDocument(
        `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { channelCancelMultiFlowSignQRCode(input: $input) { __typename ${'@include(if: true) '.repeat(11)} } }`,
        'GRAPHQL_VALIDATION_FAILED',
        /^Directives limit of 10 exceeded/,
      ),
  },
  {
    attack: 'a document of over 1,000 tokens',
    expected: '400 GRAPHQL_PARSE_FAILED, nothing sent',
    run: async () =>
      refusedDocument(
        `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { channelCancelMultiFlowSignQRCode(input: $input) { ${'__typename '.repeat(1_000)} } }`,
        'GRAPHQL_PARSE_FAILED',
        /Token limit of 1000 exceeded/,
      ),
  },
  {
    attack: 'a batch of two operations where batching is off',
    expected: '400 "Batching is not supported.", nothing sent',
    run: async () => {
      const reply = await unsent(() => post([qrCancel(), qrCancel()], apiKey('unrestricted')));
      expect(reply.body.errors?.[0]?.message).toBe('Batching is not supported.');
      expect(reply.status).toBe(400);
      return `${summary(reply)}, nothing sent`;
    },
  },
  {
    attack: 'a batch of three where the limit is two',
    expected: '413, nothing sent',
    run: async () => {
      const reply = await unsent(() =>
        post([qrCancel(), qrCancel(), qrCancel()], apiKey('unrestricted'), sharedSecret()),
      );
      expect(reply.status).toBe(413);
      return `${summary(reply)}, nothing sent`;
    },
  },
  {
    attack: 'a body over MAX_BODY_BYTES, declared and chunked',
    expected: '413 PAYLOAD_TOO_LARGE for both, nothing sent',
    run: async () => {
      const body = JSON.stringify({ ...qrCancel(), padding: ' '.repeat(100_001) });
      const declared = await unsent(() => post(body, apiKey('unrestricted')));
      const bytes = Buffer.from(body);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 65_536) controller.enqueue(bytes.subarray(at, at + 65_536));
          controller.close();
        },
      });
      const chunked = await unsent(() =>
        send(keySet().url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...apiKey('unrestricted') },
          body: stream,
          duplex: 'half',
        } as RequestInit),
      );
      for (const reply of [declared, chunked]) {
        expect(reply.status).toBe(413);
        expect(codeOf(reply)).toBe('PAYLOAD_TOO_LARGE');
      }
      return `declared: ${summary(declared)}; chunked: ${summary(chunked)}; nothing sent`;
    },
  },
  {
    attack: 'a multipart (file upload) request',
    expected: '415, nothing sent',
    run: async () => {
      const form = new FormData();
      form.set('operations', JSON.stringify(qrCancel()));
      form.set('map', '{}');
      const headers = { ...apiKey('unrestricted'), 'x-graphql-yoga-csrf': '1' };
      const reply = await unsent(() => send(keySet().url, { method: 'POST', body: form, headers }));
      expect(reply.status).toBe(415);
      return `HTTP ${reply.status}, nothing sent`;
    },
  },
  {
    attack: 'a mutation sent as a GET',
    expected: '405, nothing sent',
    run: async () => {
      const { query, variables } = qrCancel();
      const search = new URLSearchParams({ query, variables: JSON.stringify(variables) });
      const headers = { ...apiKey('unrestricted'), 'x-graphql-yoga-csrf': '1', accept: 'application/json' };
      const reply = await unsent(() => send(`${keySet().url}?${search}`, { headers }));
      expect(reply.status).toBe(405);
      return `HTTP ${reply.status}, nothing sent`;
    },
  },
]);

const preflight = (origin: string) =>
  send(keySet().url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'x-api-key, content-type',
    },
  });

attacks('browsers', [
  {
    attack: 'a page on another site posts a form (CSRF), or text/plain, or makes a GET, with a valid credential',
    expected: '403 for each, nothing sent',
    run: async () => {
      const { query, variables } = qrCancel();
      const form = new URLSearchParams({ query, variables: JSON.stringify(variables) }).toString();
      const replies = await unsent(() =>
        Promise.all([
          send(keySet().url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...apiKey('unrestricted') },
            body: form,
          }),
          send(keySet().url, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', ...apiKey('unrestricted') },
            body: JSON.stringify({ query, variables }),
          }),
          send(`${keySet().url}?query=${encodeURIComponent('{ mode }')}`, { headers: apiKey('unrestricted') }),
        ]),
      );
      for (const reply of replies) expect(reply.status).toBe(403);
      return `${replies.map((reply) => reply.status).join(', ')}; nothing sent`;
    },
  },
  {
    attack: 'a CORS preflight from an origin not in CORS_ORIGINS',
    expected: 'no Access-Control-Allow-* headers, so the browser refuses',
    run: async () => {
      const reply = await preflight('https://evil.example.test');
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
      expect(reply.headers.get('access-control-allow-headers')).toBeNull();
      return `HTTP ${reply.status}, no Access-Control-Allow-Origin`;
    },
  },
  {
    attack: 'a shared cache answers one origin with the CORS headers sent to another',
    expected: 'every response says `Vary: Origin` (allowed origin, other origin, no origin, preflight)',
    run: async () => {
      const replies = [
        await preflight('https://app.example.test'),
        await preflight('https://evil.example.test'),
        await post({ query: '{ mode }' }, { ...apiKey('unbound'), origin: 'https://app.example.test' }),
        await post({ query: '{ mode }' }, { ...apiKey('unbound'), origin: 'https://evil.example.test' }),
        await post({ query: '{ mode }' }, apiKey('unbound')),
      ];
      expect(replies[0]!.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
      for (const reply of replies) expect(reply.headers.get('vary')).toMatch(/(^|, )Origin(,|$)/);
      return replies.map((reply) => `Vary: ${reply.headers.get('vary')}`).join('; ');
    },
  },
]);

/**
 * `npm start` (compiled) with `env`, expected to refuse: its exit code and what it printed, or `listening` when it
 * started after all (it is then stopped at once).
 */
async function refusedStart(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [compiled()], {
    env: { PATH: process.env.PATH, HOME: EMPTY_HOME, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let listening = false;
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    if (!listening && output.includes('GraphQL endpoint')) {
      listening = true;
      child.kill('SIGKILL');
    }
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code: listening ? 'listening' : code, lines: output.trim().split('\n'), output };
}

const tencent = {
  TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
  TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey,
};

async function refusesToStart(env: NodeJS.ProcessEnv, reason: RegExp, secret?: string): Promise<string> {
  const { code, lines, output } = await refusedStart(env);
  expect(code).toBe(1);
  expect(lines).toEqual([expect.stringMatching(reason)]);
  if (secret) expect(output).not.toContain(secret);
  return `exit ${code}: ${lines[0]!.slice(0, 90)}…`;
}

attacks('start-up', [
  {
    attack: 'NODE_ENV=Production (misspelt) with real Tencent credentials and no AUTH_*',
    expected: 'refuses to start, one line naming NODE_ENV',
    run: async () =>
      refusesToStart({ ...tencent, NODE_ENV: 'Production' }, /^Invalid configuration: NODE_ENV: must be one of/),
  },
  {
    // Every address beyond loopback is refused alike (test/config tries 0.0.0.0); this one is no address of this
    // machine, so even a regression never listens beyond loopback.
    attack: 'NODE_ENV unset, real credentials, a HOST beyond loopback (192.0.2.1), no AUTH_*',
    expected: 'refuses to start, one line naming HOST and the variables to set',
    run: async () =>
      refusesToStart(
        { ...tencent, HOST: '192.0.2.1' },
        /^Refusing to start: HOST=192\.0\.2\.1 is reachable beyond loopback/,
      ),
  },
  {
    attack: 'NODE_ENV=production with credentials but no caller authentication',
    expected: 'refuses to start, one line',
    run: async () =>
      refusesToStart(
        { ...tencent, NODE_ENV: 'production' },
        /^Refusing to start: NODE_ENV=production but no caller authentication/,
      ),
  },
  {
    attack: 'an endpoint URL with a user and password',
    expected: 'refuses to start, the password not printed',
    run: async () =>
      refusesToStart(
        { ...tencent, TENCENT_ESS_ENDPOINT: 'https://operator:pa55word-canary@ess.example.test' },
        /^Invalid configuration: TENCENT_ESS_ENDPOINT: must not contain a user name or password$/,
        'pa55word-canary',
      ),
  },
  {
    attack: 'AUTH_API_KEYS listing one digest twice, bound to different operators',
    expected: 'refuses to start (the first would silently win)',
    run: async () => {
      const digest = apiKeyDigest('esk_twice');
      const keys = [
        { name: 'a', sha256: digest, essOperatorUserId: 'op-a' },
        { name: 'b', sha256: digest, essOperatorUserId: 'op-b' },
      ];
      return refusesToStart(
        { ...tencent, AUTH_API_KEYS: JSON.stringify(keys) },
        /^Invalid configuration: AUTH_API_KEYS: each key must be listed once/,
      );
    },
  },
  {
    attack: 'TRUSTED_DOCUMENTS pointing at a file that is not JSON (a secret, say)',
    expected: 'refuses to start without quoting the file',
    run: async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'esign-attack-')), 'secret.txt');
      writeFileSync(file, 'sk_live_0123456789');
      return refusesToStart(
        { ...tencent, TRUSTED_DOCUMENTS: file },
        /^Invalid configuration: TRUSTED_DOCUMENTS: cannot read .* as JSON/,
        'sk_',
      );
    },
  },
  {
    attack: 'an operator who wants no authentication beyond loopback says so',
    expected: 'HOST=0.0.0.0 with ALLOW_UNAUTHENTICATED=true is accepted outside production, refused in production',
    run: async () => {
      expect(
        loadConfig({ ...tencent, HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' }, EMPTY_HOME).auth,
      ).toBeUndefined();
      const inProduction = await refusedStart({
        ...tencent,
        NODE_ENV: 'production',
        AUTH_API_KEYS: API_KEYS,
        ALLOW_UNAUTHENTICATED: 'true',
      });
      expect(inProduction.code).toBe(1);
      expect(inProduction.lines).toEqual([
        expect.stringMatching(/ALLOW_UNAUTHENTICATED=true cannot be used with NODE_ENV=production/),
      ]);
      return `accepted outside production; production: exit ${inProduction.code}`;
    },
  },
]);

attacks('privacy', [
  {
    attack: 'read a secret or personal data out of any response or log line of the attacks above',
    expected: 'no Tencent secret key, credential, name or ID number anywhere',
    run: async () => {
      const logText = log.text();
      expect(responses.length).toBeGreaterThan(50);
      const forbidden = [TEST_CREDENTIALS.secretKey, NAME, ID.slice(0, 14), ID.slice(2, -2), ...credentials];
      for (const text of [logText, ...responses]) for (const value of forbidden) expect(text).not.toContain(value);
      return `${responses.length} responses and ${log.records().length} log lines searched for ${forbidden.length} values: none found`;
    },
  },
]);
