/**
 * Test helpers: Debian's Chromium (never a downloaded browser) driven by playwright-core, with every request that
 * leaves loopback blocked and recorded, so a page that reaches for a CDN or the internet fails its test.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starting Chromium and a first page load take seconds on a busy two-core machine. */
export const BROWSER_TIMEOUT_MS = 90_000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface BrowserSession {
  readonly context: BrowserContext;
  /** Every URL the guard let through: proof that it saw the pages' traffic. */
  readonly loopbackRequests: readonly string[];
  /** Every non-loopback URL a page tried to load (each was blocked). */
  readonly outsideRequests: readonly string[];
}

/** Launches Chromium for the enclosing describe: a fresh context per file, closed afterwards. */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const loopbackRequests: string[] = [];
  const outsideRequests: string[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
    context = await browser.newContext();
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (LOOPBACK_HOSTS.has(url.hostname)) {
        loopbackRequests.push(url.href);
        return route.continue();
      }
      outsideRequests.push(url.href);
      return route.abort('blockedbyclient');
    });
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get context(): BrowserContext {
      if (!context) throw new Error('browser not started');
      return context;
    },
    loopbackRequests,
    outsideRequests,
  };
}

/**
 * `describe` for tests that need Chromium. Without it they fail in CI (`CI` set) and are skipped elsewhere, loudly:
 * the skip names the missing browser in the report and on the console, so a green run never hides them.
 */
export function describeInBrowser(name: string, tests: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, { timeout: BROWSER_TIMEOUT_MS }, tests);
    return;
  }
  const missing = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) {
    describe(name, () => {
      beforeAll(() => {
        throw new Error(`Browser tests cannot run in CI: ${missing}`);
      });
      tests();
    });
    return;
  }
  console.warn(`\n⚠ SKIPPED browser tests "${name}": ${missing}\n`);
  describe.skip(`${name} [SKIPPED: ${missing}]`, tests);
}
