/**
 * The README's tour, in a real browser against one sandbox service: GraphiQL, then the example page, then both again
 * in the other order, with no restart in between. Each part starts from its own reset, so no order uses records up.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { BROWSER_TIMEOUT_MS, describeInBrowser, useBrowser } from '../support/browser.js';
import { useExamplePage } from '../support/example-page.js';
import { openGraphiQL, runExample } from '../support/graphiql.js';
import { EMPTY_HOME, SANDBOX_ENV } from '../support/service.js';

describeInBrowser('the README’s tour, twice, in either order, without a restart', () => {
  const browser = useBrowser();
  let service: RunningService;
  let graphiql: Page;
  let example: Page;
  beforeAll(async () => {
    service = await startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false);
  }, BROWSER_TIMEOUT_MS);
  const page = useExamplePage(() => new URL(service.url).origin);
  beforeAll(async () => {
    graphiql = await browser.context.newPage();
    await openGraphiQL(graphiql, service.url);
    example = await browser.context.newPage();
    await page.open(example);
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await service?.close();
  });

  /** Step 1: ResetSandbox, CancelQrCode twice, CancelAutoSignLink twice. */
  async function graphiqlStep(): Promise<string[]> {
    // A page in the background gets no animation frames, which GraphiQL's menus wait for.
    await graphiql.bringToFront();
    const run = async (operation: string, field: string) =>
      (await runExample(graphiql, service.url, operation, field)).__typename as string;
    return [
      await run('ResetSandbox', 'resetSandbox'),
      await run('CancelQrCode', 'channelCancelMultiFlowSignQRCode'),
      await run('CancelQrCode', 'channelCancelMultiFlowSignQRCode'),
      await run('CancelAutoSignLink', 'cancelUserAutoSignEnableUrl'),
      await run('CancelAutoSignLink', 'cancelUserAutoSignEnableUrl'),
    ];
  }

  async function submit(form: Locator): Promise<string | null> {
    const output = form.locator('output');
    await output.evaluate((element) => element.replaceChildren());
    await form.locator('button[type=submit]').click();
    await output.locator('strong').waitFor();
    return output.getAttribute('data-typename');
  }

  /** Step 2: the banner's reset, then Cancel QR code twice. */
  async function exampleStep(): Promise<(string | null)[]> {
    await example.bringToFront();
    await example.locator('#reset-sandbox').click();
    await expect.poll(() => example.locator('#service-status').innerText()).toContain('The demo records are back');
    const form = example.locator('#qr-code');
    return [await submit(form), await submit(form)];
  }

  const GRAPHIQL = [
    'SandboxResetSuccess',
    'ChannelCancelMultiFlowSignQRCodeSuccess',
    'QrCodeInvalidError',
    'CancelUserAutoSignEnableUrlSuccess',
    'AutoSignEnableUrlNotFoundError',
  ];
  const EXAMPLE = ['ChannelCancelMultiFlowSignQRCodeSuccess', 'QrCodeInvalidError'];

  it('works in the README’s order', async () => {
    expect(await graphiqlStep()).toEqual(GRAPHIQL);
    expect(await exampleStep()).toEqual(EXAMPLE);
  });

  it('works again, the other way round', async () => {
    expect(await exampleStep()).toEqual(EXAMPLE);
    expect(await graphiqlStep()).toEqual(GRAPHIQL);
  });
});
