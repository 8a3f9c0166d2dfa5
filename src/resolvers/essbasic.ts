/** Resolvers for essbasic (电子签渠道版) actions. */
import { z } from 'zod';
import { ChannelCancelMultiFlowSignQRCode } from '../tencent/essbasic.js';
import { openId, requiredOrConfigured } from './rules.js';
import { type ActionResolverOptions, actionResolver, batchResolver } from './run.js';

export const ChannelCancelMultiFlowSignQRCodeInput = z
  .object({
    agent: z.object({
      appId: requiredOrConfigured(),
      proxyOrganizationOpenId: openId,
      proxyOperator: z.object({ openId }),
    }),
    qrCodeId: z.string().length(32, 'must be 32 characters'),
  })
  .transform((input) => ({
    Agent: {
      AppId: input.agent.appId,
      ProxyOrganizationOpenId: input.agent.proxyOrganizationOpenId,
      ProxyOperator: { OpenId: input.agent.proxyOperator.openId },
    },
    QrCodeId: input.qrCodeId,
  }));

type Input = z.input<typeof ChannelCancelMultiFlowSignQRCodeInput>;

interface ChannelCancelMultiFlowSignQRCodeSuccess {
  __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess';
  requestId: string;
  qrCodeId: string;
}
/** The GraphQL input: the validated shape, except that `agent.appId` may be left to configuration. */
export type ChannelCancelMultiFlowSignQRCodeArgs = Omit<Input, 'agent'> & {
  agent: Omit<Input['agent'], 'appId'> & { appId?: string | null | undefined };
};

const cancelQrCode = {
  action: ChannelCancelMultiFlowSignQRCode,
  input: ChannelCancelMultiFlowSignQRCodeInput,
  withDefaults: (input: ChannelCancelMultiFlowSignQRCodeArgs, defaults) => ({
    ...input,
    agent: { ...input.agent, appId: input.agent.appId ?? defaults.essbasicAppId },
  }),
  callerBindings: [
    {
      path: 'agent.proxyOrganizationOpenId',
      identity: 'essbasicProxyOrganizationOpenId',
      describes: 'essbasic organisation (Agent.ProxyOrganizationOpenId)',
      required: true,
    },
    {
      path: 'agent.proxyOperator.openId',
      identity: 'essbasicProxyOperatorOpenId',
      describes: 'essbasic operator (Agent.ProxyOperator.OpenId)',
      required: true,
    },
  ],
  success: (request, requestId) => ({
    __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess',
    requestId,
    qrCodeId: request.QrCodeId,
  }),
  audit: (request) => ({
    actingAs: {
      appId: request.Agent.AppId,
      proxyOrganizationOpenId: request.Agent.ProxyOrganizationOpenId,
      proxyOperatorOpenId: request.Agent.ProxyOperator.OpenId,
    },
    target: { qrCodeId: request.QrCodeId },
  }),
} satisfies ActionResolverOptions<
  typeof ChannelCancelMultiFlowSignQRCode,
  ChannelCancelMultiFlowSignQRCodeArgs,
  ChannelCancelMultiFlowSignQRCodeSuccess
>;

export const channelCancelMultiFlowSignQRCode = actionResolver(cancelQrCode);

/** The batch's GraphQL input: one agent for every QR code id. */
export type ChannelCancelMultiFlowSignQRCodesArgs = Omit<ChannelCancelMultiFlowSignQRCodeArgs, 'qrCodeId'> & {
  qrCodeIds: readonly string[];
};

export const channelCancelMultiFlowSignQRCodes = batchResolver(cancelQrCode, {
  typename: 'ChannelCancelMultiFlowSignQRCodesSuccess' as const,
  listField: 'qrCodeIds',
  itemField: 'qrCodeId',
  items: (input: ChannelCancelMultiFlowSignQRCodesArgs) => input.qrCodeIds,
  itemInput: ({ qrCodeIds: _all, ...shared }, qrCodeId): ChannelCancelMultiFlowSignQRCodeArgs => ({
    ...shared,
    qrCodeId,
  }),
  itemKey: (qrCodeId) => qrCodeId,
});
