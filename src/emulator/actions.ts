/** What the emulator does for each Tencent action it knows. */
import type { z } from 'zod';
import type { TencentAction } from '../tencent/action.js';
import { SERVICE_VERSIONS } from '../tencent/endpoints.js';
import { CancelUserAutoSignEnableUrl, CreateUserAutoSignEnableUrl } from '../tencent/ess.js';
import { ChannelCancelMultiFlowSignQRCode, ChannelCreateMultiFlowSignQRCode } from '../tencent/essbasic.js';
import { type ActionResult, failure, success } from './replies.js';
import type { EsignState, PersonKey } from './state.js';

export interface ActionContext {
  state: EsignState;
  /** The emulator's own base URL, for the links it hands out. */
  baseUrl: string;
}

export interface EmulatedAction {
  spec: TencentAction;
  version: string;
  handle(request: unknown, ctx: ActionContext): ActionResult;
}

function emulate<A extends TencentAction>(
  spec: A,
  handle: (request: z.output<A['request']>, ctx: ActionContext) => ActionResult,
): EmulatedAction {
  return { spec, version: SERVICE_VERSIONS[spec.service], handle: handle as EmulatedAction['handle'] };
}

function person(sceneKey: string, user: { Name: string; IdCardType: string; IdCardNumber: string }): PersonKey {
  return { sceneKey, name: user.Name, idCardType: user.IdCardType, idCardNumber: user.IdCardNumber };
}

const ALREADY_ENABLED = failure('FailedOperation.UserAutoSignEnableAlready', '无法撤销,此用户已开通自动签成功');

export const EMULATED_ACTIONS: ReadonlyMap<string, EmulatedAction> = new Map(
  [
    emulate(CreateUserAutoSignEnableUrl, (req, { state, baseUrl }) => {
      const token = state.createAutoSignLink(person(req.SceneKey, req.AutoSignConfig.UserInfo));
      if (!token) return failure('FailedOperation.UserAutoSignEnableAlready', '此用户已开通自动签');
      return success({ Url: `${baseUrl}/_emulator/auto-sign/${token}`, UrlType: req.UrlType ?? 'H5' });
    }),
    emulate(CancelUserAutoSignEnableUrl, (req, { state }) => {
      switch (state.cancelAutoSignLink(person(req.SceneKey, req.UserInfo))) {
        case 'cancelled':
          return success();
        case 'enabled':
          return ALREADY_ENABLED;
        case 'no-link':
          return failure('FailedOperation.UserAutoSignEnableUrlNotExist', '无法撤销,未生成此用户开通自动签链接');
      }
    }),
    emulate(ChannelCreateMultiFlowSignQRCode, (req, { state, baseUrl }) => {
      const owner = { appId: req.Agent.AppId, proxyOrganizationOpenId: req.Agent.ProxyOrganizationOpenId };
      const { id, expiresAt } = state.createQrCode(owner, req.QrEffectiveDay ?? 7);
      return success({
        QrCode: { QrCodeId: id, QrCodeUrl: `${baseUrl}/_emulator/qr/${id}`, ExpiredTime: Math.floor(expiresAt / 1000) },
      });
    }),
    emulate(ChannelCancelMultiFlowSignQRCode, (req, { state }) => {
      const owner = { appId: req.Agent.AppId, proxyOrganizationOpenId: req.Agent.ProxyOrganizationOpenId };
      switch (state.cancelQrCode(req.QrCodeId, owner)) {
        case 'cancelled':
          return success();
        case 'invalid':
          return failure('OperationDenied.QrInvalid', '签署二维码不可用,请检查后重试。');
        case 'not-found':
          return failure('InvalidParameter.DataNotFound', '数据不存在。');
      }
    }),
  ].map((action) => [action.spec.name, action]),
);
