/** What `npm pack` would publish: compiled JavaScript and declarations, README, LICENSE and package.json only. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/build.js';

const run = promisify(execFile);

describe('the npm package', () => {
  it('lists only dist/**/*.js, dist/**/*.d.ts, README.md, LICENSE and package.json, with every export in it', async () => {
    // Scripts off: prepack/prepare would rebuild, which the global set-up already did.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const files = pack.files.map((file) => file.path);
    const unexpected = files.filter(
      (path) => !/^dist\/.+\.(js|d\.ts)$/.test(path) && !['README.md', 'LICENSE', 'package.json'].includes(path),
    );
    expect(unexpected).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/tencent/index.js',
        'dist/tencent/index.d.ts',
      ]),
    );
  });
});
