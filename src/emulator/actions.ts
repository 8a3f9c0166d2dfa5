/**
 * The Tencent actions the emulator serves: their input parameters as Tencent's API reference defines
 * them (every field the official SDK models carry for the action, deprecated ones included, since
 * Tencent accepts them; required as the pages say), and what each does to the emulator's records.
 */
import { array, boolean, integer, optional, type Param, required, string, struct } from './parameters.js';
import { type ActionResult, type ApiError, failure, say, success } from './replies.js';
import * as errors from './errors.js';
import type { EsignState, PersonKey } from './state.js';
import {
  AssumeRoleParameters,
  assumeRole,
  assumeRoleWithWebIdentity,
  type EmulatedSts,
  STS_VERSION,
  WebIdentityParameters,
} from './sts.js';

export interface ActionContext {
  state: EsignState;
  sts: EmulatedSts;
  /** The emulator's own base URL, for the links it hands out. */
  baseUrl: string;
  now: () => number;
}

const VERSIONS = { ess: '2020-11-11', essbasic: '2021-05-26', sts: STS_VERSION } as const;

export interface EmulatedAction {
  name: string;
  service: keyof typeof VERSIONS;
  version: string;
  /** `skip`: called with `Authorization: SKIP` instead of a signature (STS's AssumeRoleWithWebIdentity). */
  authorization: 'tc3' | 'skip';
  /** Checks the request body and, when it is valid, acts on it. */
  run(body: unknown, ctx: ActionContext): ActionResult;
}

function action<T>(
  service: EmulatedAction['service'],
  name: string,
  parameters: Param<T>,
  handle: (request: T, ctx: ActionContext) => ActionResult,
  authorization: EmulatedAction['authorization'] = 'tc3',
): EmulatedAction {
  return {
    name,
    service,
    version: VERSIONS[service],
    authorization,
    run(body, ctx) {
      const checked = parameters.check(body, '');
      return checked.ok ? handle(checked.value, ctx) : failure(checked.error);
    },
  };
}

const DAY_MS = 86_400_000;

// ess (2020-11-11) structures.
const SCENE_KEY = string({ values: ['E_PRESCRIPTION_AUTO_SIGN', 'OTHER'] });
const EIGHTEEN_CHARACTERS = {
  test: /^\d{17}[\dX]$/,
  rule: say(
    '应为18位字符串，由数字和大写字母X组成',
    'must be 18 characters: 17 digits, then a digit or an upper-case X',
  ),
};
const HONGKONG_MACAO_PERMIT = {
  test: /^[HM]\d{10}$/,
  rule: say('应为11位：H 或 M 开头，其后10位数字', 'must be 11 characters: H or M, then 10 digits'),
};
const UserThreeFactor = struct(
  'UserThreeFactor',
  {
    Name: required(string()),
    IdCardType: required(string({ values: ['ID_CARD', 'HONGKONG_AND_MACAO', 'HONGKONG_MACAO_AND_TAIWAN'] })),
    IdCardNumber: required(string()),
  },
  // "证件号码，应符合以下规则": the format depends on the document type.
  (user, path): ApiError | undefined => {
    const format = user.IdCardType === 'HONGKONG_AND_MACAO' ? HONGKONG_MACAO_PERMIT : EIGHTEEN_CHARACTERS;
    return format.test.test(user.IdCardNumber)
      ? undefined
      : errors.invalidParameterValue(`${path}.IdCardNumber`, format.rule);
  },
);
const EssOperator = struct('UserInfo', {
  // Optional in the structure, which other actions fill with OpenId; these pages need the employee's UserId.
  UserId: required(string()),
  Channel: optional(string()),
  OpenId: optional(string()),
  ClientIp: optional(string()),
  ProxyIp: optional(string()),
});
const EssAgent = struct('Agent', {
  AppId: optional(string()),
  ProxyAppId: optional(string()),
  ProxyOrganizationId: optional(string()),
  ProxyOperator: optional(string()),
});
const AutoSignConfig = struct('AutoSignConfig', {
  UserInfo: required(UserThreeFactor),
  CertInfoCallback: optional(boolean()),
  UserDefineSeal: optional(boolean()),
  SealImgCallback: optional(boolean()),
  CallbackUrl: optional(string()),
  VerifyChannels: optional(array(string())),
  LicenseType: optional(integer()),
  JumpUrl: optional(string()),
});

// essbasic (2021-05-26) structures.
const ChannelUserInfo = (openId: 'required' | 'optional') =>
  struct('UserInfo', {
    OpenId: openId === 'required' ? required(string()) : optional(string()),
    Channel: optional(string()),
    CustomUserId: optional(string()),
    ClientIp: optional(string()),
    ProxyIp: optional(string()),
  });
/** "此接口下面信息必填": Agent.AppId, Agent.ProxyOrganizationOpenId, Agent.ProxyOperator.OpenId. */
const ChannelAgent = struct('Agent', {
  AppId: required(string()),
  ProxyOrganizationOpenId: required(string()),
  ProxyOperator: required(ChannelUserInfo('required')),
  ProxyAppId: optional(string()),
  ProxyOrganizationId: optional(string()),
});
const ApproverRestriction = struct('ApproverRestriction', {
  Name: optional(string()),
  Mobile: optional(string()),
  IdCardType: optional(string()),
  IdCardNumber: optional(string()),
});
const QR_CODE_ID = { test: /^.{32}$/su, rule: say('应为32位字符串', 'must be a 32-character string') };

function person(sceneKey: string, user: { Name: string; IdCardType: string; IdCardNumber: string }): PersonKey {
  return { sceneKey, name: user.Name, idCardType: user.IdCardType, idCardNumber: user.IdCardNumber };
}

const ALREADY_ENABLED = failure({
  code: 'FailedOperation.UserAutoSignEnableAlready',
  message: say('无法撤销,此用户已开通自动签成功', 'Cannot revoke: this user has already enabled auto-sign.'),
});

export const EMULATED_ACTIONS: ReadonlyMap<string, EmulatedAction> = new Map(
  [
    action('sts', 'AssumeRole', AssumeRoleParameters, (req, { sts }) => assumeRole(sts, req)),
    action(
      'sts',
      'AssumeRoleWithWebIdentity',
      WebIdentityParameters,
      (req, { sts, now }) => assumeRoleWithWebIdentity(sts, req, now()),
      // Its reference: with signature v3 no X-TC-Token is sent and Authorization is the literal SKIP.
      'skip',
    ),
    action(
      'ess',
      'CreateUserAutoSignEnableUrl',
      struct('CreateUserAutoSignEnableUrlRequest', {
        Operator: required(EssOperator),
        SceneKey: required(SCENE_KEY),
        AutoSignConfig: required(AutoSignConfig),
        UrlType: optional(string()),
        NotifyType: optional(string()),
        NotifyAddress: optional(string()),
        ExpiredTime: optional(integer()),
        Agent: optional(EssAgent),
        UserData: optional(string()),
        EndPoint: optional(string()),
      }),
      (req, { state, baseUrl }) => {
        const token = state.createAutoSignLink(person(req.SceneKey, req.AutoSignConfig.UserInfo));
        if (!token) {
          return failure({
            code: 'FailedOperation.UserAutoSignEnableAlready',
            message: say('此用户已开通自动签', 'This user has already enabled auto-sign.'),
          });
        }
        return success({ Url: `${baseUrl}/_emulator/auto-sign/${token}`, UrlType: req.UrlType ?? 'H5' });
      },
    ),
    action(
      'ess',
      'CancelUserAutoSignEnableUrl',
      struct('CancelUserAutoSignEnableUrlRequest', {
        Operator: required(EssOperator),
        SceneKey: required(SCENE_KEY),
        UserInfo: required(UserThreeFactor),
        Agent: optional(EssAgent),
      }),
      (req, { state }) => {
        switch (state.cancelAutoSignLink(person(req.SceneKey, req.UserInfo))) {
          case 'cancelled':
            return success();
          case 'enabled':
            return ALREADY_ENABLED;
          case 'no-link':
            return failure({
              code: 'FailedOperation.UserAutoSignEnableUrlNotExist',
              message: say(
                '无法撤销,未生成此用户开通自动签链接',
                'Cannot revoke: no auto-sign enablement link was generated for this user.',
              ),
            });
        }
      },
    ),
    action(
      'essbasic',
      'ChannelCreateMultiFlowSignQRCode',
      struct('ChannelCreateMultiFlowSignQRCodeRequest', {
        Agent: required(ChannelAgent),
        TemplateId: required(string()),
        FlowName: required(string()),
        MaxFlowNum: optional(integer({ min: 1 })),
        // "最长设定期限不得超过30天"
        FlowEffectiveDay: optional(integer({ min: 1, max: 30 })),
        FlowDisplayType: optional(integer({ min: 0, max: 3 })),
        // "最高设定不得超过90天"
        QrEffectiveDay: optional(integer({ min: 1, max: 90 })),
        Restrictions: optional(array(ApproverRestriction)),
        ApproverComponentLimitTypes: optional(
          array(
            struct('ApproverComponentLimitType', {
              RecipientId: required(string()),
              Values: optional(array(string())),
            }),
          ),
        ),
        CallbackUrl: optional(string()),
        ApproverRestrictions: optional(ApproverRestriction),
        Operator: optional(ChannelUserInfo('optional')),
        ForbidPersonalMultipleSign: optional(boolean()),
        FlowNameAppendScannerInfo: optional(boolean()),
        QrCodeName: optional(string()),
        // Unix seconds, "最长可设置为签署二维码创建后的365天时截止".
        QrCodeExpiredOn: optional(integer()),
      }),
      (req, { state, baseUrl, now }) => {
        const owner = { appId: req.Agent.AppId, proxyOrganizationOpenId: req.Agent.ProxyOrganizationOpenId };
        let expiresAt = now() + (req.QrEffectiveDay ?? 7) * DAY_MS;
        if (req.QrCodeExpiredOn !== undefined) {
          expiresAt = req.QrCodeExpiredOn * 1000;
          if (expiresAt <= now() || expiresAt > now() + 365 * DAY_MS) {
            const rule = say('应为未来365天内的时间戳（秒）', 'must be a Unix time (seconds) within the next 365 days');
            return failure(errors.invalidParameterValue('QrCodeExpiredOn', rule));
          }
        }
        const { id } = state.createQrCodeExpiringAt(owner, expiresAt);
        return success({
          QrCode: {
            QrCodeId: id,
            QrCodeUrl: `${baseUrl}/_emulator/qr/${id}`,
            ExpiredTime: Math.floor(expiresAt / 1000),
          },
        });
      },
    ),
    action(
      'essbasic',
      'ChannelCancelMultiFlowSignQRCode',
      struct('ChannelCancelMultiFlowSignQRCodeRequest', {
        Agent: required(ChannelAgent),
        QrCodeId: required(string({ pattern: QR_CODE_ID })),
        // "暂未开放" (not yet available), but defined, so sending it is not UnknownParameter.
        Operator: optional(ChannelUserInfo('optional')),
      }),
      (req, { state }) => {
        const owner = { appId: req.Agent.AppId, proxyOrganizationOpenId: req.Agent.ProxyOrganizationOpenId };
        switch (state.cancelQrCode(req.QrCodeId, owner)) {
          case 'cancelled':
            return success();
          case 'invalid':
            return failure({
              code: 'OperationDenied.QrInvalid',
              message: say(
                '签署二维码不可用,请检查后重试。',
                'The signing QR code is unavailable. Please check and try again.',
              ),
            });
          // The sibling action CancelMultiFlowSignQRCode documents this code for a code past its validity.
          case 'expired':
            return failure({
              code: 'OperationDenied.QrHasExpire',
              message: say(
                '签署二维码已过期，请检查后重试。',
                'The signing QR code has expired. Please check and try again.',
              ),
            });
          case 'not-found':
            return failure({
              code: 'InvalidParameter.DataNotFound',
              message: say('数据不存在。', 'The data does not exist.'),
            });
        }
      },
    ),
  ].map((emulated) => [emulated.name, emulated]),
);
