/** Trusted documents: the manifest is checked at start-up, and with one set only its documents run. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { documentHash } from '../../../src/config/trusted-documents.js';
import type { RunningService } from '../../../src/server/service.js';
import { compiled } from '../../support/build.js';
import { configError } from '../../support/config.js';
import { useEmulator } from '../../support/emulator.js';
import { DEMO_AGENT, EMPTY_HOME, post, SANDBOX_EXAMPLES, serviceFor } from '../../support/service.js';

const folder = mkdtempSync(join(tmpdir(), 'esign-trusted-'));
function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const CANCEL_QR = `mutation CancelQr($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  channelCancelMultiFlowSignQRCode(input: $input) { __typename }
}
`;

describe('TRUSTED_DOCUMENTS at start-up', () => {
  it.each([
    [
      'a missing file',
      () => join(folder, 'missing.json'),
      /^Invalid configuration: TRUSTED_DOCUMENTS: cannot read .*missing\.json \(ENOENT\)$/,
    ],
    ['a file that is not JSON', () => file('text.json', 'hash: document'), /cannot read .* as JSON/],
    [
      'a list instead of an object',
      () => file('list.json', '["{ mode }"]'),
      /must be a JSON object of SHA-256 hash → GraphQL document/,
    ],
    [
      'a key that is not the document’s hash',
      () => file('key.json', JSON.stringify({ abc: '{ mode }' })),
      /abc is not the SHA-256 of its document/,
    ],
    [
      'a document that does not parse',
      () => file('parse.json', JSON.stringify({ [documentHash('{ mode')]: '{ mode' })),
      /does not parse: Syntax Error/,
    ],
    [
      'a document the schema refuses',
      () => file('invalid.json', JSON.stringify({ [documentHash('{ modes }')]: '{ modes }' })),
      /not valid against the schema: Cannot query field "modes"/,
    ],
  ])('refuses %s', (_name, path, message) => {
    expect(configError({ TRUSTED_DOCUMENTS: path() })).toMatch(message);
  });

  it('loads a valid manifest', () => {
    const path = file('ok.json', JSON.stringify({ [documentHash(CANCEL_QR)]: CANCEL_QR }));
    expect(loadConfig({ TRUSTED_DOCUMENTS: path }, EMPTY_HOME).protection.trustedDocuments).toEqual(
      new Map([[documentHash(CANCEL_QR), CANCEL_QR]]),
    );
  });
});

describe('a service with trusted documents', () => {
  const emulator = useEmulator({ seed: true });
  let service: RunningService;
  beforeAll(async () => {
    // The manifest as a user makes it: `npm run trusted-documents` over their .graphql files.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [compiled('cli/trusted-documents.js'), file('cancel-qr.graphql', CANCEL_QR)],
      { timeout: 15_000 },
    );
    const manifest = { ...JSON.parse(stdout), [documentHash(SANDBOX_EXAMPLES)]: SANDBOX_EXAMPLES };
    service = await serviceFor(emulator.current, {
      TRUSTED_DOCUMENTS: file('manifest.json', JSON.stringify(manifest)),
    });
  });
  afterAll(async () => {
    await service.close();
  });

  const input = {
    agent: DEMO_AGENT,
    qrCodeId: 'Q'.repeat(32),
  };

  const byHash = (document: string) => ({ persistedQuery: { version: 1, sha256Hash: documentHash(document) } });

  it('runs a trusted document sent by its hash, with variables', async () => {
    const { body } = await post(service.url, { extensions: byHash(CANCEL_QR), variables: { input } });
    expect(body).toEqual({ data: { channelCancelMultiFlowSignQRCode: { __typename: 'QrCodeNotFoundError' } } });
  });

  it('takes the hash as documentId too, with or without the sha256: prefix', async () => {
    for (const documentId of [documentHash(CANCEL_QR), `sha256:${documentHash(CANCEL_QR)}`]) {
      const { body } = await post(service.url, { documentId, variables: { input } });
      expect(body).toEqual({ data: { channelCancelMultiFlowSignQRCode: { __typename: 'QrCodeNotFoundError' } } });
    }
  });

  it('runs an operation of a trusted document holding several, picked by operationName', async () => {
    const { body } = await post(service.url, { extensions: byHash(SANDBOX_EXAMPLES), operationName: 'CancelQrCode' });
    expect(body.errors).toBeUndefined();
    expect(body.data?.channelCancelMultiFlowSignQRCode).toMatchObject({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
    });
  });

  it.each([
    [
      'a document sent in full, even a trusted one',
      { query: CANCEL_QR, variables: { input } },
      'PERSISTED_QUERY_ONLY',
      /trusted documents only/,
    ],
    ['an unknown hash', { extensions: byHash('{ mode }') }, 'PERSISTED_QUERY_NOT_IN_LIST', /^Unknown document/],
    [
      'a request with neither',
      { variables: { input } },
      'PERSISTED_QUERY_ID_REQUIRED',
      /Send the hash of a trusted document/,
    ],
  ])('refuses %s with 400, calling nothing upstream', async (_name, request, code, message) => {
    const before = emulator.current.calls.length;
    const { status, body } = await post(service.url, request);
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(message), extensions: { code } })],
    });
    expect(emulator.current.calls.length).toBe(before);
  });
});
