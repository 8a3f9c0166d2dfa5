import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { printSchemaSDL } from '../../src/schema/sdl.js';
import { INTROSPECTION_FILE, introspectionTypesFor } from '../support/gql-tada.js';

const TSCONFIG = fileURLToPath(new URL('../../examples/web/tsconfig.json', import.meta.url));

/** Type-checks examples/web as `npm test` does, with `introspection` standing in for graphql-env.d.ts. */
function typeErrors(introspection: string): string[] {
  const { config } = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(TSCONFIG));
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => (fileName === INTROSPECTION_FILE ? introspection : readFile(fileName));
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(d.file.fileName.lastIndexOf('/') + 1)}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

/** The schema with one more error type in the QR code mutation's result union, as a new Tencent code would add. */
function withNewQrCodeError(sdl: string): string {
  const union = 'union ChannelCancelMultiFlowSignQRCodeResult = ';
  expect(sdl).toContain(union);
  return `${sdl.replace(union, `${union}QrCodeRevokedError | `)}
type QrCodeRevokedError implements Error { message: String! }
`;
}

describe('the example page’s types', () => {
  it('are generated from the current schema', () => {
    expect(
      readFileSync(INTROSPECTION_FILE, 'utf8'),
      'examples/web/src/graphql-env.d.ts is out of date: run `npm run schema`',
    ).toBe(introspectionTypesFor(printSchemaSDL()));
  });

  // A whole type-check of the page: seconds of CPU.
  it('turn a new union member into a compile error at the exhaustive switch', { timeout: 90_000 }, () => {
    // Exactly one error, so the page compiles but for the new member.
    const errors = typeErrors(introspectionTypesFor(withNewQrCodeError(printSchemaSDL())));
    expect(errors).toEqual([
      expect.stringMatching(/^outcomes\.ts: .*"QrCodeRevokedError".* not assignable to parameter of type 'never'/s),
    ]);
  });
});
