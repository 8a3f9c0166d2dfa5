/**
 * GraphiQL, served from the bundled copy (no CDN), opened on example operations, with a Content-Security-Policy
 * carried in the page itself: its one inline script is allowed by hash, so no other script runs.
 */
import { createHash } from 'node:crypto';
import type { GraphiQLOptions } from 'graphql-yoga';

/** The values the example operations are filled with: the sandbox's demo records, or placeholders. */
export interface ExampleValues {
  essOperatorUserId: string;
  sceneKey: string;
  user: { name: string; idCardType: string; idCardNumber: string };
  appId: string;
  proxyOrganizationOpenId: string;
  proxyOperatorOpenId: string;
  qrCodeId: string;
}

/** Outside the sandbox there are no demo records: the examples show where each value goes. */
export const PLACEHOLDER_VALUES: ExampleValues = {
  essOperatorUserId: 'your operator UserId',
  sceneKey: 'E_PRESCRIPTION_AUTO_SIGN',
  user: { name: 'name', idCardType: 'ID_CARD', idCardNumber: 'ID card number' },
  appId: 'your AppId',
  proxyOrganizationOpenId: 'the organisation OpenId',
  proxyOperatorOpenId: 'the operator OpenId',
  qrCodeId: 'the 32-character QR code id',
};

/** What a frontend selects from a result union: the success, then errors from specific to general. */
const selection = (success: string, identifiers: string) => `{
    __typename
    ... on ${success} { requestId ${identifiers} }
    ... on TencentError { code requestId }
    ... on ValidationError { issues { path message } }
    ... on RateLimitedError { retryAfterSeconds }
    ... on Error { message }
  }`;

const SANDBOX_TOUR = `# Tencent e-sign through GraphQL, against the sandbox: the built-in e-sign emulator
# and its demo records; nothing reaches Tencent. Press ▶ and pick an operation.
# CancelQrCode and CancelAutoSignLink succeed once, then show the typed error for
# a QR code or link that no longer exists. ResetSandbox puts the demo records back
# (at any time, no restart needed), so the tour can start over.

mutation ResetSandbox {
  resetSandbox {
    __typename
    ... on SandboxResetSuccess { message }
    ... on Error { message }
  }
}
`;

const TOUR = `# Tencent e-sign through GraphQL. Put your own values in place of the placeholders,
# press ▶ and pick an operation.
`;

/** The example document; in the sandbox it starts with `ResetSandbox`, the tour's way back to the demo records. */
export function exampleOperations(values: ExampleValues, sandbox: boolean): string {
  return `${sandbox ? SANDBOX_TOUR : TOUR}
mutation CancelAutoSignLink {
  cancelUserAutoSignEnableUrl(input: {
    operator: { userId: "${values.essOperatorUserId}" }
    sceneKey: ${values.sceneKey}
    userInfo: { name: "${values.user.name}", idCardType: ${values.user.idCardType}, idCardNumber: "${values.user.idCardNumber}" }
  }) ${selection('CancelUserAutoSignEnableUrlSuccess', 'sceneKey linkId')}
}

mutation CancelQrCode {
  channelCancelMultiFlowSignQRCode(input: {
    agent: {
      appId: "${values.appId}"
      proxyOrganizationOpenId: "${values.proxyOrganizationOpenId}"
      proxyOperator: { openId: "${values.proxyOperatorOpenId}" }
    }
    qrCodeId: "${values.qrCodeId}"
  }) ${selection('ChannelCancelMultiFlowSignQRCodeSuccess', 'qrCodeId')}
}
`;
}

const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

const hashOf = (script: string) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

/** The policy for `page`: its inline scripts by hash; Monaco's editor workers come from blob: URLs it makes. */
export function graphiqlPolicy(page: string): string {
  const scripts = [...page.matchAll(INLINE_SCRIPT)].map(([, body]) => hashOf(body!));
  return [
    "default-src 'self'",
    `script-src ${scripts.join(' ')}`,
    "worker-src 'self' blob:",
    // Monaco and GraphiQL set styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
  ].join('; ');
}

/** `page` with its policy as the first element of `<head>`, before any script. */
function withContentSecurityPolicy(page: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${graphiqlPolicy(page)}" />`;
  return page.replace('<head>', () => `<head>\n      ${meta}`);
}

/**
 * The page is several megabytes; render it once per distinct set of options, not per request. The bundle is
 * imported on the first visit: loading it costs tens of megabytes a service that never serves GraphiQL keeps.
 */
export function cachedGraphiQLRenderer(): (options?: GraphiQLOptions) => Promise<string> {
  const pages = new Map<string, Promise<string>>();
  return (options) => {
    const key = JSON.stringify(options ?? {});
    let page = pages.get(key);
    if (page === undefined) {
      page = import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) =>
        withContentSecurityPolicy(renderGraphiQL(options)),
      );
      pages.set(key, page);
    }
    return page;
  };
}
