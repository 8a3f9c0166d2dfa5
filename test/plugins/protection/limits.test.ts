/** Document limits and batching, over real HTTP against a test emulator: refused documents never reach it. */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/emulator.js';
import { DEMO_AGENT, graphql, SANDBOX_EXAMPLES, serviceFor, useService, useServices } from '../../support/service.js';

const emulator = useEmulator({ seed: true });
const service = useService(() => serviceFor(emulator.current));
// Services with other settings, for one test each.
const start = useServices(emulator);

const input = {
  agent: DEMO_AGENT,
  qrCodeId: 'Q'.repeat(32),
};

/** One document cancelling the same QR code `count` times under different aliases. */
function aliasedCancels(count: number): string {
  const fields = Array.from(
    { length: count },
    (_, i) => `c${i}: channelCancelMultiFlowSignQRCode(input: $input) { __typename }`,
  );
  return `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { ${fields.join(' ')} }`;
}

async function expectRefusedUnsent(query: string, message: RegExp, url = service.current.url): Promise<void> {
  const before = emulator.current.calls.length;
  const { data, errors } = await graphql(url, query, { input });
  expect(data).toBeUndefined();
  expect(errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message) })]);
  expect(emulator.current.calls.length).toBe(before);
}

describe('document limits', () => {
  it('refuses 100 aliased cancels in one document without calling Tencent', async () => {
    // 100 fields also pass the token limit; whichever limit trips first, nothing is sent.
    await expectRefusedUnsent(aliasedCancels(100), /limit of \d+ exceeded/);
  });

  it('refuses 10 aliased cancels with HTTP 400 and a validation error naming the alias limit', async () => {
    await expectRefusedUnsent(aliasedCancels(10), /^Aliases limit of 5 exceeded, found 10\.$/);
    const res = await fetch(service.current.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: aliasedCancels(10), variables: { input } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [
        { message: 'Aliases limit of 5 exceeded, found 10.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ],
    });
  });

  it('lets a document with aliases up to the limit through', async () => {
    const { data, errors } = await graphql(service.current.url, aliasedCancels(5), { input });
    expect(errors).toBeUndefined();
    expect(Object.keys(data!)).toHaveLength(5);
  });

  it('refuses a document deeper than the limit', async () => {
    const deep = `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) {
      channelCancelMultiFlowSignQRCode(input: $input) { ... on ValidationError { issues { path { a { b { c { d } } } } } } }
    }`;
    await expectRefusedUnsent(deep, /^Query depth limit of 6 exceeded/);
  });

  it('refuses a document of more tokens than the limit', async () => {
    const long = `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) {
      channelCancelMultiFlowSignQRCode(input: $input) { ${'__typename '.repeat(1_000)} }
    }`;
    await expectRefusedUnsent(long, /^Syntax Error: Token limit of 1000 exceeded/);
  });

  it('refuses a document with more directives than the limit', async () => {
    const directives = `mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) {
      channelCancelMultiFlowSignQRCode(input: $input) { __typename ${'@include(if: true) '.repeat(11)} }
    }`;
    await expectRefusedUnsent(directives, /^Directives limit of 10 exceeded, found 11\.$/);
  });

  it('lets the GraphiQL example operations through, with their full union selections', async () => {
    for (const operation of ['CancelAutoSignLink', 'CancelQrCode']) {
      const { data, errors } = await graphql(service.current.url, SANDBOX_EXAMPLES, undefined, operation);
      expect(errors).toBeUndefined();
      expect(Object.values(data!)[0]).toMatchObject({ __typename: expect.stringMatching(/Success$/) });
    }
  });

  it('takes its limits from the configuration', async () => {
    const strict = await start({ GRAPHQL_MAX_ALIASES: '0', GRAPHQL_MAX_DEPTH: '1' });
    await expectRefusedUnsent(aliasedCancels(1), /Aliases limit of 0 exceeded, found 1/, strict.url);
    await expectRefusedUnsent(
      'mutation ($input: ChannelCancelMultiFlowSignQRCodeInput!) { channelCancelMultiFlowSignQRCode(input: $input) { __typename } }',
      /Query depth limit of 1 exceeded, found 2/,
      strict.url,
    );
  });
});

describe('batching', () => {
  const batch = (url: string, size: number) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(Array.from({ length: size }, () => ({ query: aliasedCancels(1), variables: { input } }))),
    });

  it('is off unless configured', async () => {
    const before = emulator.current.calls.length;
    const res = await batch(service.current.url, 2);
    expect(await res.json()).toEqual({ errors: [expect.objectContaining({ message: 'Batching is not supported.' })] });
    expect(emulator.current.calls.length).toBe(before);
  });

  it('runs up to GRAPHQL_BATCH_LIMIT operations per request and refuses more', async () => {
    const batching = await start({ GRAPHQL_BATCH_LIMIT: '2' });
    const ok = await batch(batching.url, 2);
    expect(await ok.json()).toEqual([
      { data: { c0: { __typename: 'QrCodeNotFoundError' } } },
      { data: { c0: { __typename: 'QrCodeNotFoundError' } } },
    ]);
    const before = emulator.current.calls.length;
    const tooMany = await batch(batching.url, 3);
    expect(await tooMany.json()).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(/Batching is limited to 2 operations/) })],
    });
    expect(emulator.current.calls.length).toBe(before);
  });
});

describe('multipart requests', () => {
  it('are refused: this API takes no file uploads', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: aliasedCancels(1), variables: { input } }));
    form.set('map', '{}');
    const before = emulator.current.calls.length;
    // The CSRF header a non-browser client sends, so that the multipart refusal itself is what answers.
    const headers = { accept: 'application/json', 'x-graphql-yoga-csrf': '1' };
    const res = await fetch(service.current.url, { method: 'POST', body: form, headers });
    expect(res.status).toBe(415);
    expect(emulator.current.calls.length).toBe(before);
  });
});
