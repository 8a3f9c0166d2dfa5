/** A page on another (allowed) origin, in Chromium: it can call the service and read the headers it exposes. */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { type RunningService, startService } from '../../../src/server/service.js';
import { BROWSER_TIMEOUT_MS, describeInBrowser, useBrowser } from '../../support/browser.js';
import { EMPTY_HOME, SANDBOX_ENV } from '../../support/service.js';

describeInBrowser('a page on another origin, in a real browser', () => {
  const browser = useBrowser();
  let service: RunningService;
  let site: Server;
  let page: Page;
  beforeAll(async () => {
    service = await startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false);
    // An empty page on another loopback port: another origin, which sandbox mode's CORS allows.
    site = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'),
    );
    site.listen(0, '127.0.0.1');
    await once(site, 'listening');
    page = await browser.context.newPage();
    await page.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    site?.close();
    await service?.close();
  });

  it('reads X-Request-Id from the response, the id support asks for', async () => {
    const seen = await page.evaluate(async (url) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'support-case-42' },
        body: JSON.stringify({ query: '{ mode }' }),
      });
      return { requestId: res.headers.get('x-request-id'), body: await res.json() };
    }, service.url);
    expect(seen).toEqual({ requestId: 'support-case-42', body: { data: { mode: 'SANDBOX' } } });
  });
});
