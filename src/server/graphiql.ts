/** GraphiQL, served from the bundled copy (no CDN), opened on example operations that work in the sandbox. */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';
import { DEMO } from '../emulator/seed.js';
import { withContentSecurityPolicy } from './graphiql-csp.js';

/** What a frontend selects from a result union: the success, then errors from specific to general. */
const selection = (success: string) => `{
    __typename
    ... on ${success} { requestId }
    ... on TencentError { code requestId }
    ... on ValidationError { issues { path message } }
    ... on RateLimitedError { retryAfterSeconds }
    ... on Error { message }
  }`;

export const EXAMPLE_OPERATIONS = `# Tencent e-sign through GraphQL. In sandbox mode these run against the built-in
# emulator's demo records: the first run of each succeeds, a second run shows the
# typed error for a link or QR code that no longer exists. Press ▶ and pick one.

mutation CancelAutoSignLink {
  cancelUserAutoSignEnableUrl(input: {
    operator: { userId: "${DEMO.essOperatorUserId}" }
    sceneKey: ${DEMO.sceneKey}
    userInfo: { name: "${DEMO.pendingUser.name}", idCardType: ${DEMO.pendingUser.idCardType}, idCardNumber: "${DEMO.pendingUser.idCardNumber}" }
  }) ${selection('CancelUserAutoSignEnableUrlSuccess')}
}

mutation CancelQrCode {
  channelCancelMultiFlowSignQRCode(input: {
    agent: {
      appId: "${DEMO.appId}"
      proxyOrganizationOpenId: "${DEMO.proxyOrganizationOpenId}"
      proxyOperator: { openId: "${DEMO.proxyOperatorOpenId}" }
    }
    qrCodeId: "${DEMO.qrCodeId}"
  }) ${selection('ChannelCancelMultiFlowSignQRCodeSuccess')}
}
`;

/** The page is several megabytes; render it once per distinct set of options, not per request. */
export function cachedGraphiQLRenderer(): (options?: GraphiQLOptions) => string {
  const pages = new Map<string, string>();
  return (options) => {
    const key = JSON.stringify(options ?? {});
    let page = pages.get(key);
    if (page === undefined) {
      page = withContentSecurityPolicy(renderGraphiQL(options));
      pages.set(key, page);
    }
    return page;
  };
}
