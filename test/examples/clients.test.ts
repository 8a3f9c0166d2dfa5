/**
 * The example page with Apollo Client 4 and with urql + Graphcache, each set up as docs/frontend.md says (the page's
 * client modules are the docs' snippets): every field the README's selection asks for reaches the page, through the
 * client's normalised cache.
 */
import type { Locator, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { loadConfig } from '../../src/config/index.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { BROWSER_TIMEOUT_MS, describeInBrowser, useBrowser } from '../support/browser.js';
import { useExamplePage } from '../support/example-page.js';
import { EMPTY_HOME, SANDBOX_ENV } from '../support/service.js';

type Result = Record<string, unknown> & { __typename: string };

describeInBrowser('the example page with Apollo Client 4 and with urql, against the sandbox', () => {
  const browser = useBrowser();
  let service: RunningService;
  beforeAll(async () => {
    service = await startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false);
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await service?.close();
  });
  const example = useExamplePage(() => new URL(service.url).origin);

  describe.each([
    ['apollo', 'Apollo Client 4'],
    ['urql', 'urql + Graphcache'],
  ] as const)('?client=%s', (client, name) => {
    let page: Page;
    beforeAll(async () => {
      page = await browser.context.newPage();
      await example.open(page, client);
    }, BROWSER_TIMEOUT_MS);

    /** The result the service sent for `operation`'s next request, read off the wire. */
    function nextResult(operation: string, field: string): Promise<Result> {
      const isIt = (res: Response) =>
        res.url().endsWith('/graphql') &&
        (res.request().postDataJSON() as { operationName?: string } | null)?.operationName === operation;
      return page
        .waitForResponse(isIt)
        .then(async (res) => ((await res.json()) as { data: Record<string, Result> }).data[field]!);
    }

    async function submit(form: Locator, operation: string, field: string): Promise<{ result: Result; shown: string }> {
      const output = form.locator('output');
      await output.evaluate((element) => element.replaceChildren());
      const result = nextResult(operation, field);
      await form.locator('button[type=submit]').click();
      await output.locator('strong').waitFor();
      return { result: await result, shown: await output.innerText() };
    }

    it('says it talks to the sandbox, through this client', async () => {
      const banner = page.locator('#service-status');
      await expect.poll(() => banner.innerText()).toContain(`Sandbox (${name})`);
    });

    it('shows message, code and requestId of a Tencent error', async () => {
      await page.locator('#reset-sandbox').click();
      await expect.poll(() => page.locator('#service-status').innerText()).toContain('The demo records are back');
      const form = page.locator('#qr-code');
      const first = await submit(form, 'CancelQrCode', 'channelCancelMultiFlowSignQRCode');
      expect(first.result).toMatchObject({
        __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
        qrCodeId: DEMO.qrCodeId,
      });
      expect(first.shown).toContain(`QR code ${DEMO.qrCodeId}`);
      expect(first.shown).toContain(`Request id ${String(first.result.requestId)}`);

      const { result, shown } = await submit(form, 'CancelQrCode', 'channelCancelMultiFlowSignQRCode');
      expect(result).toMatchObject({ __typename: 'QrCodeInvalidError', code: 'OperationDenied.QrInvalid' });
      expect(shown).toContain(String(result.message));
      expect(shown).toContain(`Tencent code ${String(result.code)}`);
      expect(shown).toContain(`Request id ${String(result.requestId)}`);
      expect(await form.locator('output').getAttribute('data-typename')).toBe('QrCodeInvalidError');
    });

    it('shows a ValidationError’s issues at their fields', async () => {
      const form = page.locator('#auto-sign');
      await form.locator('[name=idCardNumber]').fill('61000000000000000Z');
      const { result, shown } = await submit(form, 'CancelAutoSignLink', 'cancelUserAutoSignEnableUrl');
      const issues = result.issues as { path: string[]; message: string }[];
      expect(issues).toEqual([
        expect.objectContaining({ path: ['input', 'userInfo', 'idCardNumber'], message: expect.any(String) }),
      ]);
      expect(shown).toContain(String(result.message));
      const field = form.locator('[name=idCardNumber]');
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator(`#${await field.getAttribute('aria-describedby')}`).innerText()).toBe(
        issues[0]!.message,
      );
    });
  });

  it('loaded nothing from outside loopback', () => {
    expect(browser.outsideRequests).toEqual([]);
  });
});
