/** essbasic (电子签渠道版 / platform edition), API version 2021-05-26: the actions this project uses. */
import { z } from 'zod';
import { defineAction } from './action.js';

/** `Agent`: the platform application, the sub-enterprise and its employee acting. */
export const ChannelAgent = z.looseObject({
  AppId: z.string().min(1),
  ProxyOrganizationOpenId: z.string().min(1),
  ProxyOperator: z.looseObject({ OpenId: z.string().min(1) }),
  ProxyAppId: z.string().optional(),
});

export const ChannelCancelMultiFlowSignQRCode = defineAction({
  service: 'essbasic',
  name: 'ChannelCancelMultiFlowSignQRCode',
  request: z.looseObject({ Agent: ChannelAgent, QrCodeId: z.string().min(1) }),
  reply: z.object({}),
  errorCodes: [
    'InternalError',
    'InternalError.DbRead',
    'InvalidParameter.DataNotFound',
    'InvalidParameter.ParamError',
    'MissingParameter',
    'OperationDenied.Forbid',
    // Not in the page's error table, but its second example answers it for a code already invalid.
    'OperationDenied.QrInvalid',
    // Not on this page either: the sibling action CancelMultiFlowSignQRCode documents it for an expired code.
    'OperationDenied.QrHasExpire',
    'UnauthorizedOperation.NoPermissionFeature',
  ],
});
export type ChannelCancelMultiFlowSignQRCodeRequest = z.input<typeof ChannelCancelMultiFlowSignQRCode.request>;

/** Creates the QR code that {@link ChannelCancelMultiFlowSignQRCode} cancels (used by the emulator and tests). */
export const ChannelCreateMultiFlowSignQRCode = defineAction({
  service: 'essbasic',
  name: 'ChannelCreateMultiFlowSignQRCode',
  request: z.looseObject({
    Agent: ChannelAgent,
    TemplateId: z.string().min(1),
    FlowName: z.string().min(1),
    MaxFlowNum: z.number().int().positive().optional(),
    QrEffectiveDay: z.number().int().positive().optional(),
  }),
  reply: z.object({
    QrCode: z.object({ QrCodeId: z.string(), QrCodeUrl: z.string(), ExpiredTime: z.number() }),
  }),
  errorCodes: ['InvalidParameter.ParamError', 'MissingParameter', 'OperationDenied.Forbid'],
});
