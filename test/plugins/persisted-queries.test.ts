/**
 * Persisted queries as the ecosystem makes them, checked with the real client libraries over HTTP: Apollo's
 * persisted-query manifest (from Apollo's own generator) as TRUSTED_DOCUMENTS, and automatic persisted queries
 * (Apollo Client 4's PersistedQueryLink, urql's persistedExchange) outside trusted-documents mode.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, type TypedDocumentNode } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryManifest, type PersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { Client, fetchExchange, gql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { possibleTypes } from '../../client/possible-types.js';
import { documentHash } from '../../src/config/trusted-documents.js';
import { DocumentStore } from '../../src/plugins/automatic-persisted-queries.js';
import { configError } from '../support/config.js';
import { useEmulator } from '../support/emulator.js';
import { readmeSelection } from '../support/readme.js';
import { DEMO_AGENT, post, serviceFor, useService, useServices } from '../support/service.js';

const folder = mkdtempSync(join(tmpdir(), 'esign-persisted-'));
function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const emulator = useEmulator();

/** The README's selection, on a QR code that does not exist: InvalidParameter.DataNotFound every time. */
const CANCEL: TypedDocumentNode<{ channelCancelMultiFlowSignQRCode: { __typename: string } }> = parse(
  readmeSelection(),
);
const variables = { input: { agent: DEMO_AGENT, qrCodeId: 'Q'.repeat(32) } };
const EVERY_FIELD = {
  __typename: 'QrCodeNotFoundError',
  code: 'InvalidParameter.DataNotFound',
  requestId: expect.any(String),
  message: expect.any(String),
};

/** The bodies a client sent, parsed: what travelled on the wire. */
function recordingFetch(): { fetch: typeof fetch; sent: Record<string, unknown>[] } {
  const sent: Record<string, unknown>[] = [];
  return {
    sent,
    fetch: (input, init) => {
      if (typeof init?.body === 'string') sent.push(JSON.parse(init.body) as Record<string, unknown>);
      return fetch(input, init);
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('an Apollo persisted-query manifest as TRUSTED_DOCUMENTS', () => {
  const apolloManifest = (operations: unknown[]) =>
    file(
      `apollo-${operations.length}.json`,
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }),
    );
  const body = 'mutation CancelQr { resetSandbox { __typename } }';
  const entry = { id: documentHash(body), name: 'CancelQr', type: 'mutation', body };

  it.each([
    [
      'another version',
      () => file('v2.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] })),
      /not an apollo-persisted-query-manifest \(version 1\): version/,
    ],
    ['an unknown format', () => file('other.json', JSON.stringify({ format: 'relay', version: 1 })), /format/],
    [
      'an id that is not its body’s SHA-256',
      () => apolloManifest([{ ...entry, id: 'custom-id' }]),
      /custom-id is not the SHA-256 of its document/,
    ],
    [
      'a name its body does not define',
      () => apolloManifest([{ ...entry, name: 'Other' }]),
      /says it is the mutation Other, but its body defines no such operation/,
    ],
    [
      'a type its body does not define',
      () => apolloManifest([{ ...entry, type: 'query' }]),
      /says it is the query CancelQr/,
    ],
    [
      'a body the schema refuses',
      () =>
        apolloManifest([
          { ...entry, body: 'mutation CancelQr { nope }', id: documentHash('mutation CancelQr { nope }') },
        ]),
      /not valid against the schema/,
    ],
  ])('refuses %s at start-up, naming the variable', (_name, path, message) => {
    const error = configError({ TRUSTED_DOCUMENTS: path() });
    expect(error).toMatch(/^Invalid configuration: TRUSTED_DOCUMENTS: /);
    expect(error).toMatch(message);
  });

  describe('made by Apollo’s generate-persisted-query-manifest, used by Apollo Client 4', () => {
    let manifest: PersistedQueryManifest;
    const service = useService(async () => {
      manifest = await generatePersistedQueryManifest(
        { documents: [file('cancel.graphql', readmeSelection())] },
        undefined,
      );
      return serviceFor(emulator.current, { TRUSTED_DOCUMENTS: file('manifest.json', JSON.stringify(manifest)) });
    });

    it('runs the README’s selection sent by its id alone', async () => {
      const wire = recordingFetch();
      const apollo = new ApolloClient({
        link: new PersistedQueryLink(generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest })).concat(
          new HttpLink({ uri: service.current.url, fetch: wire.fetch }),
        ),
        cache: new InMemoryCache({ possibleTypes }),
      });
      const { data } = await apollo.mutate({ mutation: CANCEL, variables });
      expect(data?.channelCancelMultiFlowSignQRCode).toEqual(EVERY_FIELD);
      expect(wire.sent).toHaveLength(1);
      expect(wire.sent[0]).not.toHaveProperty('query');
      expect(wire.sent[0]).toMatchObject({
        extensions: { persistedQuery: { version: 1, sha256Hash: expect.any(String) } },
      });
    });

    it('still refuses a document sent in full', async () => {
      const { status, body } = await post(service.current.url, { query: readmeSelection(), variables });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'PERSISTED_QUERY_ONLY' });
    });
  });
});

describe('automatic persisted queries (no TRUSTED_DOCUMENTS)', () => {
  const service = useService(() => serviceFor(emulator.current));
  const start = useServices(emulator);

  const apolloWithApq = (url: string, wire: ReturnType<typeof recordingFetch>) =>
    new ApolloClient({
      link: new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: url, fetch: wire.fetch })),
      cache: new InMemoryCache({ possibleTypes }),
    });

  it('work with Apollo Client 4’s PersistedQueryLink: the document travels once, then its hash alone', async () => {
    const wire = recordingFetch();
    const apollo = apolloWithApq(service.current.url, wire);
    for (let run = 0; run < 2; run += 1) {
      const { data } = await apollo.mutate({ mutation: CANCEL, variables });
      expect(data?.channelCancelMultiFlowSignQRCode).toEqual(EVERY_FIELD);
    }
    // Hash alone (PersistedQueryNotFound), hash with the document, then the hash alone again.
    expect(wire.sent.map((body) => 'query' in body)).toEqual([false, true, false]);
    const hashes = new Set(wire.sent.map((body) => JSON.stringify(body.extensions)));
    expect(hashes.size).toBe(1);
  });

  it('work with urql’s persistedExchange', async () => {
    const wire = recordingFetch();
    const urql = new Client({
      url: service.current.url,
      fetch: wire.fetch,
      preferGetMethod: false,
      exchanges: [persistedExchange({ enableForMutation: true, preferGetForPersistedQueries: false }), fetchExchange],
    });
    const document = gql(`${readmeSelection()}`);
    for (let run = 0; run < 2; run += 1) {
      const { data, error } = await urql.mutation(document, variables).toPromise();
      expect(error).toBeUndefined();
      expect(data.channelCancelMultiFlowSignQRCode).toMatchObject({ __typename: 'QrCodeNotFoundError' });
    }
    expect(wire.sent.map((body) => 'query' in body)).toEqual([false, true, false]);
  });

  it('answer an unknown hash with PersistedQueryNotFound, as the clients expect, and run nothing', async () => {
    const before = emulator.current.calls.length;
    const { body } = await post(service.current.url, {
      extensions: {
        persistedQuery: { version: 1, sha256Hash: sha256('mutation Unknown { resetSandbox { __typename } }') },
      },
    });
    expect(body.errors).toEqual([
      expect.objectContaining({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }),
    ]);
    expect(emulator.current.calls.length).toBe(before);
  });

  it('refuse a hash that is not the document’s, and keep neither', async () => {
    const query = '{ mode }';
    const wrong = sha256('{ mode  }');
    const sent = await post(service.current.url, {
      query,
      extensions: { persistedQuery: { version: 1, sha256Hash: wrong } },
    });
    expect(sent.status).toBe(400);
    expect(sent.body.errors?.[0]?.extensions).toEqual({ code: 'PERSISTED_QUERY_MISMATCH' });
    const again = await post(service.current.url, {
      extensions: { persistedQuery: { version: 1, sha256Hash: wrong } },
    });
    expect(again.body.errors?.[0]?.message).toBe('PersistedQueryNotFound');
  });

  it('keep only documents that validated', async () => {
    const invalid = '{ modes }';
    const persistedQuery = { version: 1, sha256Hash: sha256(invalid) };
    const refused = await post(service.current.url, { query: invalid, extensions: { persistedQuery } });
    expect(refused.body.errors?.[0]?.message).toMatch(/Cannot query field "modes"/);
    const again = await post(service.current.url, { extensions: { persistedQuery } });
    expect(again.body.errors?.[0]?.message).toBe('PersistedQueryNotFound');
  });

  it('with APQ_CACHE_BYTES=0 answer PersistedQueryNotSupported, and Apollo’s link sends documents in full', async () => {
    const off = await start({ APQ_CACHE_BYTES: '0' });
    const wire = recordingFetch();
    const apollo = apolloWithApq(off.url, wire);
    for (let run = 0; run < 2; run += 1) {
      const { data } = await apollo.mutate({ mutation: CANCEL, variables });
      expect(data?.channelCancelMultiFlowSignQRCode).toEqual(EVERY_FIELD);
    }
    // Told once that the server keeps no hashes, the link stops sending them.
    expect(wire.sent.map((body) => 'query' in body)).toEqual([false, true, true]);
    expect(wire.sent[2]).not.toHaveProperty('extensions.persistedQuery');
  });
});

describe('the automatic persisted queries’ store', () => {
  it('keeps documents up to its bytes, dropping the least recently used first', () => {
    const store = new DocumentStore(10);
    store.set('a', 'aaaa');
    store.set('b', 'bbbb');
    expect(store.get('a')).toBe('aaaa');
    store.set('c', 'cccc');
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual(['aaaa', undefined, 'cccc']);
    expect(store.size).toBe(2);
  });

  it('counts bytes in UTF-8 and never keeps a document larger than itself', () => {
    const store = new DocumentStore(6);
    store.set('wide', '小明小明');
    expect(store.get('wide')).toBeUndefined();
    store.set('fits', '小明');
    expect(store.get('fits')).toBe('小明');
  });
});
