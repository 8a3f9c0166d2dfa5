import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO } from '../../../src/emulator/seed.js';
import { loadConfig } from '../../../src/config/index.js';
import { type RunningService, startService } from '../../../src/server/service.js';
import { BROWSER_TIMEOUT_MS, describeInBrowser, useBrowser } from '../../support/browser.js';
import { openGraphiQL, runExample } from '../../support/graphiql.js';
import { EMPTY_HOME, SANDBOX_ENV } from '../../support/service.js';

describeInBrowser('GraphiQL in a real browser, offline, against the sandbox', () => {
  const browser = useBrowser();
  let service: RunningService;
  let page: Page;
  /** What the page reported: script errors, and anything its policy blocked. */
  const problems: string[] = [];
  beforeAll(async () => {
    service = await startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false);
    page = await browser.context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await openGraphiQL(page, service.url);
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await service?.close();
  });

  it('shows a sandbox banner, from query { mode }', async () => {
    const banner = page.locator('#sandbox-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toContain('Run ResetSandbox to put the demo records back');
  });

  it('runs the CancelQrCode example: a success naming the QR code, then the typed error', async () => {
    expect(await runExample(page, service.url, 'CancelQrCode', 'channelCancelMultiFlowSignQRCode')).toMatchObject({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
      requestId: expect.any(String),
      qrCodeId: DEMO.qrCodeId,
    });
    const second = await runExample(page, service.url, 'CancelQrCode', 'channelCancelMultiFlowSignQRCode');
    expect(second).toMatchObject({ __typename: 'QrCodeInvalidError', code: 'OperationDenied.QrInvalid' });
    await page.locator('.graphiql-response').getByText('"OperationDenied.QrInvalid"').waitFor();
  });

  it('puts the demo records back with ResetSandbox, so CancelQrCode succeeds again', async () => {
    expect(await runExample(page, service.url, 'ResetSandbox', 'resetSandbox')).toMatchObject({
      __typename: 'SandboxResetSuccess',
    });
    expect(await runExample(page, service.url, 'CancelQrCode', 'channelCancelMultiFlowSignQRCode')).toMatchObject({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
    });
  });

  it('explains the mutation in the docs pane', async () => {
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Mutation', { exact: true }).click();
    await expect
      .poll(() => page.locator('.graphiql-doc-explorer').innerText())
      .toContain('Cancels a multi-flow ("one code, many signers") signing QR code');
  });

  it('ran its editor workers from its own files, with nothing refused by its policy and no script error', async () => {
    const workers = page.workers().map((worker) => new URL(worker.url()).pathname);
    expect(workers).toEqual(expect.arrayContaining([expect.stringMatching(/^\/graphql\/graphiql\/graphql\.worker\./)]));
    expect(problems).toEqual([]);
  });

  it('loaded nothing from outside loopback', () => {
    expect(browser.loopbackRequests).toContain(service.url);
    expect(browser.outsideRequests).toEqual([]);
  });
});
