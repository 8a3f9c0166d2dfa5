/**
 * The client kit in client/ (written by `npm run schema`): up to date, and what Apollo Client 4's InMemoryCache and
 * urql's Graphcache need to keep every field of the README's selection, proved with the real libraries over HTTP.
 */
import { readFileSync } from 'node:fs';
import { ApolloClient, HttpLink, InMemoryCache, type TypedDocumentNode } from '@apollo/client';
import { Client, fetchExchange, gql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { schema as introspection } from '../../client/introspection.js';
import { possibleTypes } from '../../client/possible-types.js';
import { loadConfig } from '../../src/config/index.js';
import { CLIENT_KIT_DIRECTORY, clientKitFiles } from '../../src/schema/client-kit.js';
import { startService } from '../../src/server/service.js';
import { readmeSelection } from '../support/readme.js';
import { DEMO_AGENT, EMPTY_HOME, SANDBOX_ENV, useService } from '../support/service.js';

describe('client/', () => {
  it.each(Object.entries(clientKitFiles()))('%s is what the code prints', (name, content) => {
    expect(
      readFileSync(new URL(name, CLIENT_KIT_DIRECTORY), 'utf8'),
      `client/${name} is out of date: run \`npm run schema\``,
    ).toBe(content);
  });

  it('maps both interfaces and every result union', () => {
    expect(Object.keys(possibleTypes)).toEqual(
      expect.arrayContaining(['Error', 'TencentError', 'ChannelCancelMultiFlowSignQRCodeResult']),
    );
    expect(possibleTypes.TencentError).toContain('QrCodeInvalidError');
    expect(possibleTypes.Error).toContain('ValidationError');
  });
});

describe('the README’s selection through a normalised client cache', () => {
  const service = useService(() => startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false));
  const document: TypedDocumentNode<{ channelCancelMultiFlowSignQRCode: unknown }> = parse(readmeSelection());
  // An unknown QR code: Tencent's InvalidParameter.DataNotFound, a TencentError, every time.
  const variables = { input: { agent: DEMO_AGENT, qrCodeId: 'Q'.repeat(32) } };
  const everyField = {
    __typename: 'QrCodeNotFoundError',
    code: 'InvalidParameter.DataNotFound',
    requestId: expect.any(String),
    message: expect.any(String),
  };

  const apollo = (cache: InMemoryCache) =>
    new ApolloClient({ link: new HttpLink({ uri: service.current.url }), cache });

  it('keeps every field with Apollo Client 4 and the kit’s possibleTypes', async () => {
    const { data } = await apollo(new InMemoryCache({ possibleTypes })).mutate({ mutation: document, variables });
    expect(data?.channelCancelMultiFlowSignQRCode).toEqual(everyField);
  });

  it('drops the interface fragments’ fields with Apollo Client 4 and no possibleTypes (what the kit is for)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { data } = await apollo(new InMemoryCache()).mutate({ mutation: document, variables });
      expect(data?.channelCancelMultiFlowSignQRCode).toEqual({ __typename: 'QrCodeNotFoundError' });
      expect(String(warn.mock.calls.flat())).toContain('missing `possibleTypes` entry');
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps every field with urql Graphcache and the kit’s schema', async () => {
    const urql = new Client({
      url: service.current.url,
      exchanges: [cacheExchange({ schema: introspection }), fetchExchange],
    });
    const { data, error } = await urql.mutation(gql(readmeSelection()), variables).toPromise();
    expect(error).toBeUndefined();
    expect(data.channelCancelMultiFlowSignQRCode).toEqual(everyField);
  });
});
