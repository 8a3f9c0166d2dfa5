import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { type RunningService, startService } from '../../../src/server/service.js';
import { BROWSER_TIMEOUT_MS, describeInBrowser, useBrowser } from '../../support/browser.js';
import { EMPTY_HOME, SANDBOX_ENV } from '../../support/service.js';

describeInBrowser('GraphiQL in a real browser, offline, against the sandbox', () => {
  const browser = useBrowser();
  let service: RunningService;
  let page: Page;
  beforeAll(async () => {
    service = await startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false);
    page = await browser.context.newPage();
    await page.goto(service.url);
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await service?.close();
  });

  /**
   * Presses ▶, picks the example operation and returns the data the service answered, once the response pane shows
   * its `__typename` (the pane is an editor that draws lines in any DOM order, so it is searched, not parsed).
   */
  async function runExample(operation: string, field: string): Promise<Record<string, unknown>> {
    const answered = page.waitForResponse((res) => {
      const body = res.request().postDataJSON() as { operationName?: string } | null;
      return res.url() === service.url && body?.operationName === operation;
    });
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: operation, exact: true }).click();
    const { data } = (await (await answered).json()) as { data: Record<string, Record<string, unknown>> };
    const result = data[field]!;
    await page.locator('.graphiql-response').getByText(`"${String(result.__typename)}"`).waitFor();
    return result;
  }

  it('runs the CancelQrCode example: a success, then the typed error', async () => {
    expect(await runExample('CancelQrCode', 'channelCancelMultiFlowSignQRCode')).toMatchObject({
      __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
      requestId: expect.any(String),
    });
    const second = await runExample('CancelQrCode', 'channelCancelMultiFlowSignQRCode');
    expect(second).toMatchObject({ __typename: 'QrCodeInvalidError', code: 'OperationDenied.QrInvalid' });
    await page.locator('.graphiql-response').getByText('"OperationDenied.QrInvalid"').waitFor();
  });

  it('explains the mutation in the docs pane', async () => {
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Mutation', { exact: true }).click();
    await expect
      .poll(() => page.locator('.graphiql-doc-explorer').innerText())
      .toContain('Cancels a multi-flow ("one code, many signers") signing QR code');
  });

  it('loaded nothing from outside loopback', () => {
    expect(browser.loopbackRequests).toContain(service.url);
    expect(browser.outsideRequests).toEqual([]);
  });
});
