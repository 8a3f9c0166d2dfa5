/** The operations GraphiQL opens on: the two mutations filled with demo records (sandbox) or placeholders. */

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
