/** Test helpers: gql.tada's CLI (what `npm run schema` runs) turning SDL into the example page's introspection types. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GQL_TADA_CLI = fileURLToPath(new URL('../../node_modules/gql.tada/bin/cli.js', import.meta.url));

/** The example page's copy, written by `npm run schema`. */
export const INTROSPECTION_FILE = fileURLToPath(new URL('../../examples/web/src/graphql-env.d.ts', import.meta.url));

export function introspectionTypesFor(sdl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'esign-gql-tada-'));
  try {
    writeFileSync(join(dir, 'schema.graphql'), sdl);
    const plugin = { name: 'gql.tada/ts-plugin', schema: './schema.graphql', tadaOutputLocation: './graphql-env.d.ts' };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { plugins: [plugin] } }));
    execFileSync(process.execPath, [GQL_TADA_CLI, 'generate-output', '--tsconfig', join(dir, 'tsconfig.json')], {
      stdio: 'pipe',
    });
    return readFileSync(join(dir, 'graphql-env.d.ts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
