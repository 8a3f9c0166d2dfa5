/** GraphQL types and mutations for essbasic (电子签渠道版) actions. */
import { channelCancelMultiFlowSignQRCode, channelCancelMultiFlowSignQRCodes } from '../resolvers/essbasic.js';
import { ChannelCancelMultiFlowSignQRCode } from '../tencent/essbasic.js';
import { builder } from './builder.js';
import { actionMutation, batchMutation } from './results.js';

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

const ChannelCancelMultiFlowSignQRCodeResult = actionMutation('channelCancelMultiFlowSignQRCode', {
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

const ChannelCancelMultiFlowSignQRCodesInput = builder.inputType('ChannelCancelMultiFlowSignQRCodesInput', {
  description: 'Which multi-flow signing QR codes to cancel, all for one agent.',
  fields: (t) => ({
    agent: t.field({
      type: ChannelAgentInput,
      required: true,
      description: 'Who every call is made for; a broken rule here refuses the whole batch.',
    }),
    qrCodeIds: t.stringList({
      required: true,
      description:
        'The QR codes’ ids, each exactly 32 characters: at least one, no id twice, and at most as many as the call budget can start within its longest wait (98 with the default TENCENT_RATE_LIMIT_PER_SECOND, TENCENT_RATE_LIMIT_MAX_WAIT_MS and TENCENT_RATE_LIMIT_GUARD_MS; `maxBatchItems` answers the figure this service uses), counting every call the operation’s earlier mutation fields made. An id of the wrong length gives that item `ValidationError`.',
    }),
  }),
});

batchMutation('channelCancelMultiFlowSignQRCodes', {
  action: ChannelCancelMultiFlowSignQRCode,
  description:
    'Cancels many multi-flow signing QR codes of one agent at once: each id is one `ChannelCancelMultiFlowSignQRCode` call, all sent concurrently within the call budget, and each answers its own `ChannelCancelMultiFlowSignQRCodeResult`, in the order of the ids. Beyond Tencent’s API, which cancels one code per call.',
  input: ChannelCancelMultiFlowSignQRCodesInput,
  itemResult: ChannelCancelMultiFlowSignQRCodeResult,
  resolve: channelCancelMultiFlowSignQRCodes,
});
