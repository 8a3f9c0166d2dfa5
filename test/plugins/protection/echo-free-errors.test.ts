/**
 * Errors leave without the request's input, whichever path refused it, and request errors answer 4xx with a code:
 * the in-process app in production mode (suggestions hidden), fed malformed requests that carry a name and an ID
 * number in every place a client can put them.
 */
import { describe, expect, it } from 'vitest';
import { apiKeyDigest } from '../../../src/plugins/auth/api-keys.js';
import { echoFreeMessage } from '../../../src/plugins/protection/echo-free-errors.js';
import type { TencentCaller } from '../../../src/tencent/client.js';
import { appFor } from '../../support/app.js';
import { capturedLog } from '../../support/captured-log.js';

const ID = '11010519491231002X';
const NAME = '欧阳明月';
const KEY = 'esk_echo-free-test-key';
const tencent: TencentCaller = { call: async () => ({ ok: true, requestId: 'r' }) } as unknown as TencentCaller;
const log = capturedLog('debug');
const yoga = appFor({
  tencent,
  logger: log.logger,
  env: {
    NODE_ENV: 'production',
    AUTH_API_KEYS: JSON.stringify([{ name: 'k', sha256: apiKeyDigest(KEY), unrestricted: true }]),
    GRAPHQL_BATCH_LIMIT: '2',
  },
});

const CANCEL =
  'mutation ($input: CancelUserAutoSignEnableUrlInput!) { cancelUserAutoSignEnableUrl(input: $input) { __typename } }';
const person = { name: NAME, idCardType: 'ID_CARD', idCardNumber: ID };
const json = (body: unknown) => ({
  type: 'application/json',
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const search = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** Each: a way to send the canaries, and what the refusal must be. */
const REQUESTS: { what: string; get?: string; type?: string; body?: string; status: number; code: string }[] = [
  {
    what: 'a body that is not JSON',
    ...json(`{"query":"{ mode }","variables":{"p":${JSON.stringify(person)}`),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    what: 'a GET with variables that are not JSON',
    get: search({ query: '{ mode }', variables: `{"id":"${ID}","n":"${NAME}"` }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    what: 'a GET with extensions that are not JSON',
    get: search({ query: '{ mode }', extensions: `{"id":"${ID}"` }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    what: 'a form with variables that are not JSON',
    type: 'application/x-www-form-urlencoded',
    body: search({ query: '{ mode }', variables: `[${NAME}${ID}` }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    what: 'variables of the wrong type',
    ...json({
      query: CANCEL,
      variables: { input: { sceneKey: 'OTHER', userInfo: { ...person, idCardNumber: 110105194912310020 } } },
    }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    what: 'an enum value that does not exist, in variables',
    ...json({ query: CANCEL, variables: { input: { sceneKey: 'OTHER', userInfo: { ...person, idCardType: ID } } } }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    what: 'a missing input field (graphql-js repeats the whole object)',
    ...json({ query: CANCEL, variables: { input: { userInfo: person } } }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    what: 'unknown input fields named after the data',
    ...json({
      query: CANCEL,
      variables: { input: { sceneKey: 'OTHER', userInfo: person, [ID]: 1, [NAME]: 2, [`H${ID}`]: 3 } },
    }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    what: 'an inline literal of the wrong type',
    ...json({
      query: `mutation { cancelUserAutoSignEnableUrl(input: { sceneKey: OTHER, userInfo: { name: "${NAME}", idCardType: ID_CARD, idCardNumber: ${ID.slice(0, -1)} } }) { __typename } }`,
    }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    what: 'an inline enum value that does not exist',
    ...json({
      query: `mutation { cancelUserAutoSignEnableUrl(input: { sceneKey: OTHER, userInfo: { name: "${NAME}", idCardType: X${ID}, idCardNumber: "${ID}" } }) { __typename } }`,
    }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    what: 'a syntax error inside a string',
    ...json({ query: `{ mode(a: "${NAME}${ID}" }` }),
    status: 400,
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    what: 'a syntax error at a number',
    ...json({ query: `{ mode ${ID} }` }),
    status: 400,
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    what: 'an unexpected body parameter named after the data',
    ...json({ query: '{ mode }', [`${NAME}${ID}`]: ID }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    what: 'an operation name that is the data',
    ...json({ query: '{ mode }', operationName: `${NAME}${ID}` }),
    status: 400,
    code: 'OPERATION_RESOLUTION_FAILURE',
  },
  // A batch is answered 200, each of its operations with its own errors.
  {
    what: 'a batch of two malformed operations',
    ...json([{ query: CANCEL, variables: { input: { userInfo: person } } }, { query: `{ "${NAME}${ID}" }` }]),
    status: 200,
    code: 'BAD_USER_INPUT',
  },
  {
    what: 'a batch over the limit',
    ...json([1, 2, 3].map(() => ({ query: `{ mode(a: "${ID}") }` }))),
    status: 413,
    code: 'BAD_REQUEST',
  },
  {
    what: 'an application/graphql body',
    type: 'application/graphql',
    body: `{ mode(a: "${ID}", b: ${NAME}) }`,
    status: 400,
    code: 'GRAPHQL_PARSE_FAILED',
  },
];

async function send(request: (typeof REQUESTS)[number]): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'application/graphql-response+json',
    'x-api-key': KEY,
    'x-graphql-yoga-csrf': '1',
  };
  if (request.type) headers['content-type'] = request.type;
  const url = `http://localhost/graphql${request.get ? `?${request.get}` : ''}`;
  return yoga.fetch(url, { method: request.get ? 'GET' : 'POST', headers, body: request.body });
}

describe('no input in any error', () => {
  it.each(REQUESTS)('$what: HTTP $status $code, neither the name nor the ID number repeated', async (request) => {
    log.clear();
    const res = await send(request);
    const text = await res.text();
    expect(res.status).toBe(request.status);
    const body = JSON.parse(text) as { errors: { extensions?: Record<string, unknown> }[] } | { errors: unknown[] }[];
    const errors = (Array.isArray(body) ? body.flatMap((single) => single.errors) : body.errors) as {
      extensions?: Record<string, unknown>;
    }[];
    expect(errors[0]?.extensions?.code).toBe(request.code);
    for (const error of errors) expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
    for (const canary of [ID, ID.slice(2, -2), NAME]) {
      expect(text).not.toContain(canary);
      expect(log.text()).not.toContain(canary);
    }
    // A client's mistake is not a fault of the service.
    expect(log.records().filter((record) => (record.level as number) >= 50)).toEqual([]);
  });

  it('answers a 92 kB malformed body with a short error, not the body', async () => {
    const body = `{"query":"{ mode }","variables":{"people":${JSON.stringify(Array(1_100).fill(person))}`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(90_000);
    const res = await send({ what: 'large', ...json(body), status: 400, code: 'BAD_REQUEST' });
    expect(res.status).toBe(400);
    expect((await res.text()).length).toBeLessThan(200);
  });

  it('answers a request yoga could not read with 400 even to a client that accepts only application/json', async () => {
    const res = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-api-key': KEY },
      body: '{"query":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});

describe('suggestions hidden', () => {
  it.each([
    ['a field', '{ mod }', 'Cannot query field "mod" on type "Query".'],
    [
      'an argument',
      'mutation { cancelUserAutoSignEnableUrl(inpt: {}) { __typename } }',
      'Unknown argument "inpt" on field "Mutation.cancelUserAutoSignEnableUrl".',
    ],
    [
      'a type',
      'mutation ($i: CancelUserAutoSignEnableUrlInpt!) { cancelUserAutoSignEnableUrl(input: $i) { __typename } }',
      'Unknown type "CancelUserAutoSignEnableUrlInpt".',
    ],
    [
      'an input field',
      'mutation { cancelUserAutoSignEnableUrl(input: { sceneKy: OTHER }) { __typename } }',
      'Field "sceneKy" is not defined by type "CancelUserAutoSignEnableUrlInput".',
    ],
    [
      'an inline enum value',
      `mutation { cancelUserAutoSignEnableUrl(input: { sceneKey: OTHER, userInfo: { name: "n", idCardType: ID_CARDS, idCardNumber: "n" } }) { __typename } }`,
      'The value does not exist in "IdCardType" enum.',
    ],
  ])('for %s', async (_kind, query, message) => {
    const res = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ query }),
    });
    const text = await res.text();
    expect(text).not.toMatch(/Did you mean|Suggestion/);
    expect((JSON.parse(text) as { errors: { message: string }[] }).errors.map((error) => error.message)).toContain(
      message,
    );
  });

  it('for an enum value given in variables', async () => {
    const input = { sceneKey: 'OTHER', userInfo: { name: 'n', idCardType: 'ID_CARDS', idCardNumber: 'n' } };
    const res = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ query: CANCEL, variables: { input } }),
    });
    expect(await res.json()).toMatchObject({
      errors: [
        {
          message:
            'Variable "$input" got an invalid value at "input.userInfo.idCardType"; The value does not exist in "IdCardType" enum.',
        },
      ],
    });
  });
});

describe('echoFreeMessage', () => {
  it.each([
    ['Unknown operation named "欧阳明月".', 'Unknown operation named "…".'],
    ['Field "110105194912310020" is not defined by type "X".', 'Field "…" is not defined by type "X".'],
    ['Field "H1234567890" is not defined by type "X".', 'Field "…" is not defined by type "X".'],
    [`Field "${'a'.repeat(65)}" is not defined by type "X".`, 'Field "…" is not defined by type "X".'],
    ['Unexpected parameter "a b" in the request body.', 'Unexpected parameter "…" in the request body.'],
  ])('replaces a quoted part that is not a GraphQL name: %s', (message, expected) => {
    expect(echoFreeMessage(message, false)).toBe(expected);
  });

  it.each([
    'Variable "$input" got an invalid value at "input.userInfo[0].name"; Field "idCardNumber" of required type "String!" was not provided.',
    'Variable "$ids" of type "[String!]!" used in position expecting type "String".',
    'Syntax Error: Expected ":", found "}".',
    'Syntax Error: Expected Name, found "...".',
    'Unknown directive "@skipp".',
  ])('keeps names, paths, types and punctuation: %s', (message) => {
    expect(echoFreeMessage(message, false)).toBe(message);
  });

  it('drops every kind of suggestion when asked', () => {
    expect(echoFreeMessage('Cannot query field "mod" on type "Query". Did you mean "mode"?', true)).toBe(
      'Cannot query field "mod" on type "Query".',
    );
    expect(
      echoFreeMessage(
        'Value "ID_CARDS" does not exist in "IdCardType" enum. Did you mean the enum value "ID_CARD"?',
        true,
      ),
    ).toBe('The value does not exist in "IdCardType" enum.');
    expect(echoFreeMessage('Unknown type "Inpt". Did you mean "Input", "InputA", or "InputB"?', true)).toBe(
      'Unknown type "Inpt".',
    );
  });
});
