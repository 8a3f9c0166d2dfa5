/** Test helper: the example page (examples/web) served by Vite's dev server, its `/graphql` forwarded to a service. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createServer, mergeConfig, type ViteDevServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { exampleConfig } from '../../examples/web/vite.config.js';
import { BROWSER_TIMEOUT_MS } from './browser.js';

export interface ExamplePage {
  /** The page's address; `?client=apollo` or `?client=urql` picks the client. */
  readonly url: string;
  /** Opens the page with `client` (the default, fetch, when absent) and waits until its forms are wired. */
  open(page: Page, client?: 'fetch' | 'apollo' | 'urql'): Promise<void>;
}

/**
 * Serves the page for the enclosing describe, forwarding `/graphql` to `origin()` (read once, at start). `quiet`
 * silences Vite's log, for a test whose service is down on purpose (each forwarded request logs an error).
 */
export function useExamplePage(origin: () => string, { quiet = false } = {}): ExamplePage {
  let vite: ViteDevServer | undefined;
  // Its own dependency cache, so a developer's `npm run example` and this test never rebuild one cache at once.
  const cacheDir = mkdtempSync(join(tmpdir(), 'esign-vite-'));
  beforeAll(async () => {
    vite = await createServer(
      mergeConfig(exampleConfig(origin()), {
        configFile: false,
        cacheDir,
        logLevel: quiet ? 'silent' : 'warn',
        server: { port: 0, hmr: false },
      }),
    );
    await vite.listen();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await vite?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  return {
    async open(page, client) {
      await page.goto(client === undefined ? this.url : `${this.url}?client=${client}`);
      await page.locator('html[data-client]').waitFor({ state: 'attached' });
    },
    get url() {
      const url = vite?.resolvedUrls?.local[0];
      if (url === undefined) throw new Error('the example page is not being served');
      return url;
    },
  };
}
