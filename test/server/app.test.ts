import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { startService } from '../../src/server/service.js';
import { appFor, fetchApp } from '../support/app.js';
import { capturedLog } from '../support/captured-log.js';
import { EMPTY_HOME, graphql, SANDBOX_ENV, SANDBOX_EXAMPLES, useService } from '../support/service.js';

describe('sandbox mode (npm start with no credentials)', () => {
  const service = useService(() => startService(loadConfig(SANDBOX_ENV, EMPTY_HOME), false));

  it('starts the emulator in-process and says so', async () => {
    expect(service.current.emulator?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await graphql(service.current.url, '{ mode }')).data).toEqual({ mode: 'SANDBOX' });
  });

  it('serves GraphiQL from the bundle, with no CDN, opened on the example operations', async () => {
    const res = await fetch(service.current.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<title>Tencent e-sign GraphQL</title>');
    expect(page).toContain('CancelAutoSignLink');
    expect(page).not.toMatch(/<script[^>]+src=["']?https?:/i);
    expect(page).not.toMatch(/<link[^>]+href=["']?https?:/i);
  });

  it('serves GraphiQL with a policy that lets only its own bundled script run, and no framing', async () => {
    const res = await fetch(service.current.url, { headers: { accept: 'text/html' } });
    const page = await res.text();
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page)?.[1];
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) => body!);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]!, 'utf8').digest('base64');
    expect(policy).toContain(`script-src 'sha256-${hash}'`);
    expect(policy).not.toContain('unsafe-eval');
    expect(page.indexOf('Content-Security-Policy')).toBeLessThan(page.indexOf('<script>'));
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it.each([
    ['CancelAutoSignLink', 'CancelUserAutoSignEnableUrlSuccess', 'AutoSignEnableUrlNotFoundError'],
    ['CancelQrCode', 'ChannelCancelMultiFlowSignQRCodeSuccess', 'QrCodeInvalidError'],
  ])('runs the GraphiQL example %s: first a success, then the typed error', async (operation, first, second) => {
    const run = async () => {
      const { data, errors } = await graphql(service.current.url, SANDBOX_EXAMPLES, undefined, operation);
      expect(errors).toBeUndefined();
      return Object.values(data!)[0]!;
    };
    expect(await run()).toMatchObject({ __typename: first, requestId: expect.any(String) });
    expect(await run()).toMatchObject({ __typename: second, code: expect.any(String), message: expect.any(String) });
  });
});

describe('unexpected errors', () => {
  it('are masked with an id that the log carries too', async () => {
    const log = capturedLog();
    const yoga = appFor({
      logger: log.logger,
      tencent: { call: () => Promise.reject(new Error('database password is hunter2')) },
    });
    const { body } = await fetchApp(yoga, {
      query: `mutation { channelCancelMultiFlowSignQRCode(input: {
          agent: { appId: "a", proxyOrganizationOpenId: "o", proxyOperator: { openId: "p" } }
          qrCodeId: "${'q'.repeat(32)}" }) { __typename } }`,
    });
    const [error] = body.errors as { message: string; extensions: { errorId: string; code: string } }[];
    expect(error!.message).toMatch(/^Unexpected error\. \(error id [0-9a-f-]{36}\)$/);
    expect(error!.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(log.text()).toContain(error!.extensions.errorId);
  });
});
