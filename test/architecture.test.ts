/** The layering the tree promises, checked on the import statements of src/. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/build.js';

const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every module each source file loads (type-only imports are erased): `src/…` paths for our own, package names for the rest. */
const imports = new Map(
  files(SRC).map((file) => {
    const specifiers = [
      ...readFileSync(file, 'utf8').matchAll(/^(?!import type )(?:.*?)(?:from |import\()'([^']+)'/gm),
    ].map(([, spec]) => spec!);
    const targets = specifiers.map((spec) =>
      spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec,
    );
    return [relative(ROOT, file), targets] as const;
  }),
);

const importing = (test: (target: string) => boolean) =>
  [...imports].filter(([, targets]) => targets.some(test)).map(([file]) => file);

describe('the source tree', () => {
  it('loads the emulator only in sandbox mode', () => {
    const users = importing((target) => target.startsWith('src/emulator/')).filter(
      (f) => !f.startsWith('src/emulator/'),
    );
    expect(users).toEqual(['src/server/sandbox.ts']);
    // The service reaches sandbox.ts only through a dynamic import.
    expect(readFileSync(join(SRC, 'server/service.ts'), 'utf8')).not.toMatch(/from '\.\/sandbox\.js'/);
  });

  it('keeps src/tencent free of GraphQL and of the layers above it', () => {
    const above = /^(src\/(schema|resolvers|plugins|server|config|cli|emulator)\/|graphql|@pothos\/|pino|prom-client)/;
    const offenders = [...imports]
      .filter(([file]) => file.startsWith('src/tencent/'))
      .filter(([, targets]) => targets.some((target) => above.test(target)));
    expect(offenders).toEqual([]);
  });

  it('has no module that imports the server composition except the entry point', () => {
    expect(importing((target) => target === 'src/server/service.ts').sort()).toEqual(['src/main.ts']);
  });
});
