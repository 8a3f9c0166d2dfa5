import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createServer, mergeConfig, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exampleConfig } from '../../examples/web/vite.config.js';
import { DEMO } from '../../src/emulator/seed.js';
import { loadConfig } from '../../src/config/index.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { BROWSER_TIMEOUT_MS, describeInBrowser, useBrowser } from '../support/browser.js';
import { EMPTY_HOME, SANDBOX_ENV } from '../support/service.js';

describeInBrowser('the example page (examples/web) in a real browser, against the sandbox', () => {
  const browser = useBrowser();
  let service: RunningService;
  let vite: ViteDevServer;
  let page: Page;
  // Its own dependency cache, so a developer's `npm run example` and this test never rebuild one cache at once.
  const cacheDir = mkdtempSync(join(tmpdir(), 'esign-vite-'));

  beforeAll(async () => {
    service = await startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false);
    vite = await createServer(
      mergeConfig(exampleConfig(new URL(service.url).origin), {
        configFile: false,
        cacheDir,
        logLevel: 'warn',
        server: { port: 0, hmr: false },
      }),
    );
    await vite.listen();
    page = await browser.context.newPage();
    await page.goto(vite.resolvedUrls!.local[0]!);
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await vite?.close();
    await service?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Submits the form and waits for the outcome it renders for this submit. */
  async function submit(form: Locator): Promise<Locator> {
    const output = form.locator('output');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('button[type=submit]').isEnabled()).toBe(true);
    await output.locator('strong').waitFor();
    return output;
  }

  async function expectOutcome(output: Locator, expected: { ok: boolean; typename: string; text: string }) {
    expect(await output.getAttribute('data-ok')).toBe(String(expected.ok));
    expect(await output.getAttribute('data-typename')).toBe(expected.typename);
    expect(await output.innerText()).toContain(expected.text);
  }

  it('opens with the sandbox demo records filled in', async () => {
    const autoSign = page.locator('#auto-sign');
    const qrCode = page.locator('#qr-code');
    expect(await autoSign.locator('[name=operatorUserId]').inputValue()).toBe(DEMO.essOperatorUserId);
    expect(await autoSign.locator('[name=sceneKey]').inputValue()).toBe(DEMO.sceneKey);
    expect(await autoSign.locator('[name=name]').inputValue()).toBe(DEMO.pendingUser.name);
    expect(await autoSign.locator('[name=idCardType]').inputValue()).toBe(DEMO.pendingUser.idCardType);
    expect(await autoSign.locator('[name=idCardNumber]').inputValue()).toBe(DEMO.pendingUser.idCardNumber);
    expect(await qrCode.locator('[name=appId]').inputValue()).toBe(DEMO.appId);
    expect(await qrCode.locator('[name=proxyOrganizationOpenId]').inputValue()).toBe(DEMO.proxyOrganizationOpenId);
    expect(await qrCode.locator('[name=proxyOperatorOpenId]').inputValue()).toBe(DEMO.proxyOperatorOpenId);
    expect(await qrCode.locator('[name=qrCodeId]').inputValue()).toBe(DEMO.qrCodeId);
  });

  it('cancels the demo QR code, then shows the typed error for it', async () => {
    const form = page.locator('#qr-code');
    await expectOutcome(await submit(form), {
      ok: true,
      typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
      text: 'The QR code was cancelled.',
    });
    await expectOutcome(await submit(form), {
      ok: false,
      typename: 'QrCodeInvalidError',
      text: 'Tencent code OperationDenied.QrInvalid',
    });
  });

  it('shows the typed error for a person who already enabled auto-sign', async () => {
    const form = page.locator('#auto-sign');
    await form.locator('[name=name]').fill(DEMO.enabledUser.name);
    await expectOutcome(await submit(form), {
      ok: false,
      typename: 'AutoSignAlreadyEnabledError',
      text: 'Tencent code FailedOperation.UserAutoSignEnableAlready',
    });
  });

  it('lists a broken input rule and sends nothing to Tencent', async () => {
    const form = page.locator('#auto-sign');
    const callsBefore = service.emulator!.calls.length;
    await form.locator('[name=idCardNumber]').fill('61000000000000000Z');
    await expectOutcome(await submit(form), { ok: false, typename: 'ValidationError', text: 'userInfo.idCardNumber: ' });
    expect(service.emulator!.calls.length).toBe(callsBefore);
  });

  it('loaded nothing from outside loopback', () => {
    expect(browser.loopbackRequests).toContain(new URL('/graphql', vite.resolvedUrls!.local[0]!).href);
    expect(browser.outsideRequests).toEqual([]);
  });
});
