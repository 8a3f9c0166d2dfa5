/** The emulator over real HTTP: wire-format checks, state, the control API and what it logs. */
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import type { TencentClient } from '../../src/tencent/client.js';
import { CancelUserAutoSignEnableUrl, CreateUserAutoSignEnableUrl } from '../../src/tencent/ess.js';
import { ChannelCancelMultiFlowSignQRCode, ChannelCreateMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';
import { clientFor, TEST_CREDENTIALS, useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ seed: true });
const clients: TencentClient[] = [];
const client = (...args: Parameters<typeof clientFor> extends [unknown, ...infer R] ? R : never) => {
  const c = clientFor(emulator.current, ...args);
  clients.push(c);
  return c;
};
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

const agent = {
  AppId: DEMO.appId,
  ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
  ProxyOperator: { OpenId: 'n9527' },
};
const operator = { UserId: DEMO.essOperatorUserId };
const demoPerson = (user: { name: string; idCardType: string; idCardNumber: string }) => ({
  Name: user.name,
  IdCardType: user.idCardType as 'ID_CARD',
  IdCardNumber: user.idCardNumber,
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await request(`${emulator.current.url}${path}`, { method: 'POST', body, headers });
  return { status: res.statusCode, json: (await res.body.json()) as { Response: Record<string, unknown> } };
}

describe('seeded demo records (the sandbox’s)', () => {
  it('answers as the examples on Tencent’s pages do', async () => {
    const c = client();
    const cancel = (user: typeof DEMO.pendingUser | typeof DEMO.enabledUser | typeof DEMO.unknownUser) =>
      c.call(CancelUserAutoSignEnableUrl, { Operator: operator, SceneKey: DEMO.sceneKey, UserInfo: demoPerson(user) });
    expect(await cancel(DEMO.enabledUser)).toMatchObject({
      failure: { code: 'FailedOperation.UserAutoSignEnableAlready' },
    });
    expect(await cancel(DEMO.unknownUser)).toMatchObject({
      failure: { code: 'FailedOperation.UserAutoSignEnableUrlNotExist' },
    });
    expect(await cancel(DEMO.pendingUser)).toMatchObject({ ok: true });
    expect(await c.call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId: DEMO.qrCodeId })).toMatchObject({
      ok: true,
    });
  });
});

describe('auto-sign enablement links', () => {
  it('can be completed by opening the link, after which create and cancel both answer UserAutoSignEnableAlready', async () => {
    const c = client();
    const person = { Name: '李四', IdCardType: 'HONGKONG_AND_MACAO' as const, IdCardNumber: 'H1234567890' };
    const created = await c.call(CreateUserAutoSignEnableUrl, {
      Operator: operator,
      SceneKey: 'OTHER',
      AutoSignConfig: { UserInfo: person },
    });
    if (!created.ok) throw new Error('create failed');
    const opened = await request(created.reply.Url);
    expect(opened.statusCode).toBe(200);
    expect(await opened.body.text()).toMatch(/enabled/);
    expect((await request(created.reply.Url)).statusCode).toBe(404); // a link works once

    const cancel = await c.call(CancelUserAutoSignEnableUrl, {
      Operator: operator,
      SceneKey: 'OTHER',
      UserInfo: person,
    });
    expect(cancel).toMatchObject({ failure: { code: 'FailedOperation.UserAutoSignEnableAlready' } });
    const again = await c.call(CreateUserAutoSignEnableUrl, {
      Operator: operator,
      SceneKey: 'OTHER',
      AutoSignConfig: { UserInfo: person },
    });
    expect(again).toMatchObject({ failure: { code: 'FailedOperation.UserAutoSignEnableAlready' } });
  });

  it('keeps scenes apart', async () => {
    const c = client();
    const person = { Name: '赵六', IdCardType: 'ID_CARD' as const, IdCardNumber: '110105194912310021' };
    await c.call(CreateUserAutoSignEnableUrl, {
      Operator: operator,
      SceneKey: 'OTHER',
      AutoSignConfig: { UserInfo: person },
    });
    expect(
      await c.call(CancelUserAutoSignEnableUrl, {
        Operator: operator,
        SceneKey: 'E_PRESCRIPTION_AUTO_SIGN',
        UserInfo: person,
      }),
    ).toMatchObject({ failure: { code: 'FailedOperation.UserAutoSignEnableUrlNotExist' } });
  });
});

describe('QR codes', () => {
  it('answer QrHasExpire once QrEffectiveDay has passed, and QrInvalid once cancelled', async () => {
    let now = Date.now();
    const timed = await startEmulator({ credentials: TEST_CREDENTIALS, now: () => now });
    const c = clientFor(timed, { now: () => now });
    try {
      const create = () =>
        c.call(ChannelCreateMultiFlowSignQRCode, { Agent: agent, TemplateId: 't', FlowName: 'f', QrEffectiveDay: 1 });
      const [expiring, cancelled] = [await create(), await create()];
      if (!expiring.ok || !cancelled.ok) throw new Error('create failed');
      expect(expiring.reply.QrCode.ExpiredTime).toBe(Math.floor((now + 86_400_000) / 1000));
      const cancel = (QrCodeId: string) => c.call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId });
      expect(await cancel(cancelled.reply.QrCode.QrCodeId)).toMatchObject({ ok: true });

      now += 86_400_000 - 1000;
      expect(await cancel(cancelled.reply.QrCode.QrCodeId)).toMatchObject({
        failure: { code: 'OperationDenied.QrInvalid' },
      });
      now += 2000;
      expect(await cancel(expiring.reply.QrCode.QrCodeId)).toMatchObject({
        failure: { code: 'OperationDenied.QrHasExpire', message: '签署二维码已过期，请检查后重试。' },
      });
      // A code cancelled before it expired stays cancelled.
      expect(await cancel(cancelled.reply.QrCode.QrCodeId)).toMatchObject({
        failure: { code: 'OperationDenied.QrInvalid' },
      });
    } finally {
      await c.close();
      await timed.close();
    }
  });

  it('expire at QrCodeExpiredOn when it is given, within the documented 365 days', async () => {
    const c = client();
    const inOneHour = Math.floor(Date.now() / 1000) + 3600;
    const created = await c.call(ChannelCreateMultiFlowSignQRCode, {
      Agent: agent,
      TemplateId: 't',
      FlowName: 'f',
      QrCodeExpiredOn: inOneHour,
    });
    expect(created).toMatchObject({ ok: true, reply: { QrCode: { ExpiredTime: inOneHour } } });
    const tooLate = await c.call(ChannelCreateMultiFlowSignQRCode, {
      Agent: agent,
      TemplateId: 't',
      FlowName: 'f',
      QrCodeExpiredOn: inOneHour + 366 * 86_400,
    });
    expect(tooLate).toMatchObject({
      failure: { code: 'InvalidParameterValue', message: expect.stringContaining('QrCodeExpiredOn') },
    });
  });
});

describe('wire format', () => {
  it('needs X-TC-Action, a known action and its version before anything else', async () => {
    expect((await post('/', '{}')).json.Response.Error).toMatchObject({ Code: 'MissingParameter' });
    expect((await post('/', '{}', { 'x-tc-action': 'DescribeFlows' })).json.Response.Error).toMatchObject({
      Code: 'InvalidAction',
    });
    expect(
      (await post('/', '{}', { 'x-tc-action': 'ChannelCancelMultiFlowSignQRCode', 'x-tc-version': '2020-11-11' })).json
        .Response.Error,
    ).toMatchObject({ Code: 'NoSuchVersion' });
  });

  it('refuses an unsigned or malformed Authorization header', async () => {
    const headers = {
      'content-type': 'application/json',
      'x-tc-action': 'ChannelCancelMultiFlowSignQRCode',
      'x-tc-version': '2021-05-26',
    };
    const { status, json } = await post('/', '{}', headers);
    expect(status).toBe(200); // Tencent answers errors with HTTP 200 and an Error object
    expect(json.Response).toMatchObject({
      Error: { Code: 'AuthFailure.InvalidAuthorization' },
      RequestId: expect.any(String),
    });
  });

  it('answers InvalidParameter / InvalidParameterValue for wrongly typed parameters', async () => {
    const c = client();
    const wrongType = await c.call(ChannelCancelMultiFlowSignQRCode, {
      Agent: agent,
      QrCodeId: 42 as unknown as string,
    });
    expect(wrongType).toMatchObject({
      failure: { code: 'InvalidParameter', message: expect.stringContaining('QrCodeId') },
    });
    const wrongEnum = await c.call(CancelUserAutoSignEnableUrl, {
      Operator: operator,
      SceneKey: 'NOT_A_SCENE' as 'OTHER',
      UserInfo: demoPerson(DEMO.unknownUser),
    });
    expect(wrongEnum).toMatchObject({
      failure: { code: 'InvalidParameterValue', message: expect.stringContaining('SceneKey') },
    });
  });
});

describe('control API', () => {
  it('scripts faults over HTTP and refuses malformed ones', async () => {
    const script = await request(`${emulator.current.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify([{ action: 'ChannelCancelMultiFlowSignQRCode', code: 'InternalError', times: 2 }]),
    });
    expect(script.statusCode).toBe(201);
    await script.body.dump();
    const c = client();
    const call = () => c.call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId: 'C'.repeat(32) });
    expect(await call()).toMatchObject({ failure: { code: 'InternalError' } });
    expect(await call()).toMatchObject({ failure: { code: 'InternalError' } });
    expect(await call()).toMatchObject({ failure: { code: 'InvalidParameter.DataNotFound' } });

    const bad = await request(`${emulator.current.url}/_emulator/faults`, {
      method: 'POST',
      body: '{"times":0,"colour":"red"}',
    });
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();
  });

  it('logs calls by action and outcome, without names or ID numbers', async () => {
    const c = client();
    await c.call(CancelUserAutoSignEnableUrl, {
      Operator: operator,
      SceneKey: DEMO.sceneKey,
      UserInfo: demoPerson(DEMO.unknownUser),
    });
    const res = await request(`${emulator.current.url}/_emulator/calls`);
    const text = await res.body.text();
    const calls = JSON.parse(text) as { action: string; code: string | null }[];
    expect(calls.at(-1)).toMatchObject({
      action: 'CancelUserAutoSignEnableUrl',
      code: 'FailedOperation.UserAutoSignEnableUrlNotExist',
    });
    expect(text).not.toContain(DEMO.unknownUser.name);
    expect(text).not.toContain(DEMO.unknownUser.idCardNumber);
  });
});
