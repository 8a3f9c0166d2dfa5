/** GraphQL types and mutations for essbasic (电子签渠道版) actions. */
import { channelCancelMultiFlowSignQRCode } from '../resolvers/essbasic.js';
import { ChannelCancelMultiFlowSignQRCode } from '../tencent/essbasic.js';
import { builder } from './builder.js';
import { actionMutation } from './results.js';

const ChannelProxyOperatorInput = builder.inputType('ChannelProxyOperatorInput', {
  description: 'The employee of the sub-enterprise who acts; must have completed real-name verification.',
  fields: (t) => ({ openId: t.string({ required: true, description: 'The employee’s OpenId: 1–64 characters.' }) }),
});

const ChannelAgentInput = builder.inputType('ChannelAgentInput', {
  description: 'The platform application, sub-enterprise and employee the call is made for (Tencent’s `Agent`).',
  fields: (t) => ({
    appId: t.string({
      description:
        'The platform application’s `AppId`. Required unless the service sets TENCENT_ESSBASIC_APP_ID, which is used when this is absent.',
    }),
    proxyOrganizationOpenId: t.string({
      required: true,
      description: 'The sub-enterprise’s OpenId: 1–64 characters; it must have completed real-name verification.',
    }),
    proxyOperator: t.field({ type: ChannelProxyOperatorInput, required: true, description: 'The acting employee.' }),
  }),
});

const ChannelCancelMultiFlowSignQRCodeInput = builder.inputType('ChannelCancelMultiFlowSignQRCodeInput', {
  description: 'Which multi-flow signing QR code to cancel.',
  fields: (t) => ({
    agent: t.field({ type: ChannelAgentInput, required: true, description: 'Who the call is made for.' }),
    qrCodeId: t.string({
      required: true,
      description: 'The QR code’s id, exactly 32 characters, as returned by ChannelCreateMultiFlowSignQRCode.',
    }),
  }),
});

actionMutation('channelCancelMultiFlowSignQRCode', {
  action: ChannelCancelMultiFlowSignQRCode,
  description:
    'Cancels a multi-flow ("one code, many signers") signing QR code that is still valid (essbasic `ChannelCancelMultiFlowSignQRCode`). A code already cancelled or expired gives `QrCodeInvalidError`.',
  input: ChannelCancelMultiFlowSignQRCodeInput,
  successDescription: 'The QR code was cancelled; scanning it no longer starts a signing flow.',
  successFields: (t) => ({
    qrCodeId: t.exposeID('qrCodeId', {
      description:
        'The cancelled QR code’s id (the input’s `qrCodeId`). A client cache that holds the code under this id can drop it now: Apollo Client `cache.evict({ id: cache.identify({ __typename: "YourQrCode", id: qrCodeId }) })` then `cache.gc()`; urql Graphcache `cache.invalidate({ __typename: "YourQrCode", id: qrCodeId })`; Relay `qrCodeId @deleteRecord`.',
    }),
  }),
  resolve: channelCancelMultiFlowSignQRCode,
});
