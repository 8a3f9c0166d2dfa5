/**
 * The one operation every contender serves: cancel a signing QR code
 * (essbasic `ChannelCancelMultiFlowSignQRCode`) with the same input, against
 * a fake upstream that signs nothing and answers success at once.
 */
export const CREDENTIALS = { secretId: 'AKIDBENCHMARK', secretKey: 'bench-secret-key' };

/** The fake upstream answers every call with this RequestId, so every contender's reply body is fixed. */
export const UPSTREAM_REQUEST_ID = 'bench-0000-request-id';

/** The GraphQL input, the same for the layer and the baseline. */
export const INPUT = {
  agent: {
    appId: 'yDwhxUUckp3gl8j5UuFX33LSNozpRsbi',
    proxyOrganizationOpenId: 'org_dianziqian',
    proxyOperator: { openId: 'n9527' },
  },
  qrCodeId: 'yDSLZUUckpooi1ltUxCsD3RSTG9BEWhR',
};

export type BenchInput = typeof INPUT;

/** The wire request Tencent receives for {@link INPUT}. */
export function wireRequest(input: BenchInput) {
  return {
    Agent: {
      AppId: input.agent.appId,
      ProxyOrganizationOpenId: input.agent.proxyOrganizationOpenId,
      ProxyOperator: { OpenId: input.agent.proxyOperator.openId },
    },
    QrCodeId: input.qrCodeId,
  };
}

/** A request body and the exact reply body expected for it (every reply is checked during the load). */
export interface Workload {
  body: string;
  expectBody: string;
  /** Headers every request carries (the layer's caller credential). */
  headers?: Record<string, string>;
}

/** The layer's operation; the raw contender is sent the same body. */
export const LAYER_QUERY = `mutation Cancel($input: ChannelCancelMultiFlowSignQRCodeInput!) {
  channelCancelMultiFlowSignQRCode(input: $input) { __typename ... on ChannelCancelMultiFlowSignQRCodeSuccess { requestId } }
}`;

export function graphqlBody(query: string): string {
  return JSON.stringify({ query, variables: { input: INPUT } });
}

/** The reply every contender gives for a successful cancel (the layer and the baseline select the same fields). */
export function successReply(requestId: string): string {
  return JSON.stringify({
    data: { channelCancelMultiFlowSignQRCode: { __typename: 'ChannelCancelMultiFlowSignQRCodeSuccess', requestId } },
  });
}

export const EXPECTED_REPLY = successReply(UPSTREAM_REQUEST_ID);
