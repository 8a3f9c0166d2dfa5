import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { loadConfig } from '../../src/config/index.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { BROWSER_TIMEOUT_MS, describeInBrowser, useBrowser } from '../support/browser.js';
import { useExamplePage } from '../support/example-page.js';
import { freePort } from '../support/ports.js';
import { EMPTY_HOME, SANDBOX_ENV } from '../support/service.js';

/** Submits the form and waits for the outcome it renders for this submit. */
async function submit(form: Locator): Promise<Locator> {
  const output = form.locator('output');
  await output.evaluate((element) => element.replaceChildren());
  await form.locator('button[type=submit]').click();
  await output.locator('strong').waitFor();
  await expect.poll(() => form.locator('button[type=submit]').isEnabled()).toBe(true);
  return output;
}

async function expectOutcome(output: Locator, expected: { ok: boolean; typename: string; text: string }) {
  expect(await output.getAttribute('data-ok')).toBe(String(expected.ok));
  expect(await output.getAttribute('data-typename')).toBe(expected.typename);
  expect(await output.innerText()).toContain(expected.text);
}

describeInBrowser('the example page (examples/web) in a real browser, against the sandbox', () => {
  const browser = useBrowser();
  let service: RunningService;
  let page: Page;
  beforeAll(async () => {
    service = await startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false);
  }, BROWSER_TIMEOUT_MS);
  const example = useExamplePage(() => new URL(service.url).origin);
  beforeAll(async () => {
    page = await browser.context.newPage();
    await example.open(page);
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await service?.close();
  });

  it('opens with the sandbox demo records filled in, under a sandbox banner', async () => {
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
    const banner = page.locator('#service-status');
    await banner.waitFor();
    expect(await banner.getAttribute('data-state')).toBe('sandbox');
    expect(await banner.innerText()).toContain('Sandbox (fetch): this page talks to the built-in e-sign emulator');
  });

  it('cancels the demo QR code, then shows the typed error for it', async () => {
    const form = page.locator('#qr-code');
    await expectOutcome(await submit(form), {
      ok: true,
      typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
      text: `QR code ${DEMO.qrCodeId}`,
    });
    await expectOutcome(await submit(form), {
      ok: false,
      typename: 'QrCodeInvalidError',
      text: 'Tencent code OperationDenied.QrInvalid',
    });
  });

  it('puts the demo records back with the banner’s button, so the first submit succeeds again', async () => {
    const form = page.locator('#qr-code');
    await page.locator('#reset-sandbox').click();
    await expect.poll(() => page.locator('#service-status').innerText()).toContain('The demo records are back');
    expect(await form.locator('output').innerText()).toBe('');
    await expectOutcome(await submit(form), {
      ok: true,
      typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
      text: 'The QR code was cancelled.',
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

  it('shows a broken input rule at its field, and sends nothing to Tencent', async () => {
    const form = page.locator('#auto-sign');
    const callsBefore = service.emulator!.calls.length;
    await form.locator('[name=idCardNumber]').fill('61000000000000000Z');
    await expectOutcome(await submit(form), {
      ok: false,
      typename: 'ValidationError',
      text: 'Please correct the marked fields',
    });
    const field = form.locator('[name=idCardNumber]');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const note = page.locator(`#${await field.getAttribute('aria-describedby')}`);
    expect(await note.innerText()).toBe('an ID_CARD number is 18 characters: 17 digits, then a digit or X');
    expect(service.emulator!.calls.length).toBe(callsBefore);
    await form.locator('[name=idCardNumber]').fill(DEMO.pendingUser.idCardNumber);
  });

  it('says a left-out application id is required, in words for the person at the form', async () => {
    const form = page.locator('#qr-code');
    await form.locator('[name=appId]').fill('');
    await expectOutcome(await submit(form), { ok: false, typename: 'ValidationError', text: 'Please correct' });
    const field = form.locator('[name=appId]');
    expect(await page.locator(`#${await field.getAttribute('aria-describedby')}`).innerText()).toBe('required');
    expect(await page.locator('body').innerText()).not.toContain('TENCENT_ESSBASIC_APP_ID');
  });

  it('loaded nothing from outside loopback', () => {
    expect(browser.loopbackRequests).toContain(new URL('/graphql', example.url).href);
    expect(browser.outsideRequests).toEqual([]);
  });
});

describeInBrowser('the example page when the service is not running', () => {
  const browser = useBrowser();
  let port: number;
  let page: Page;
  beforeAll(async () => {
    // A port nothing listens on: what `npm run example` forwards to before `npm start`.
    port = await freePort();
  });
  const example = useExamplePage(() => `http://127.0.0.1:${port}`, { quiet: true });
  beforeAll(async () => {
    page = await browser.context.newPage();
    await example.open(page);
  }, BROWSER_TIMEOUT_MS);

  it('says so on load, and how to start it', async () => {
    const banner = page.locator('#service-status');
    await banner.waitFor();
    expect(await banner.getAttribute('data-state')).toBe('unreachable');
    expect(await banner.innerText()).toContain('Start it with `npm start`');
  });

  it('says the same for a submit, instead of a parser error', async () => {
    const output = await submit(page.locator('#qr-code'));
    await expectOutcome(output, {
      ok: false,
      typename: 'service unreachable',
      text: 'The e-sign service is not answering.',
    });
    expect(await output.innerText()).not.toMatch(/JSON|Failed to execute/);
  });
});
