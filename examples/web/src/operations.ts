/** The two mutations the page calls, as typed documents. */
import { graphql } from './graphql.js';

/** What the page shows of any error: Tencent's code and request id, broken input rules, when to retry. */
const ErrorFields = graphql(`
  fragment ErrorFields on Error {
    message
    ... on TencentError { code requestId }
    ... on ValidationError { issues { path message } }
    ... on RateLimitedError { retryAfterSeconds }
  }
`);

export const CancelAutoSignLink = graphql(
  `
  mutation CancelAutoSignLink($input: CancelUserAutoSignEnableUrlInput!) {
    cancelUserAutoSignEnableUrl(input: $input) {
      __typename
      ... on CancelUserAutoSignEnableUrlSuccess { requestId }
      ...ErrorFields
    }
  }
`,
  [ErrorFields],
);

export const CancelQrCode = graphql(
  `
  mutation CancelQrCode($input: ChannelCancelMultiFlowSignQRCodeInput!) {
    channelCancelMultiFlowSignQRCode(input: $input) {
      __typename
      ... on ChannelCancelMultiFlowSignQRCodeSuccess { requestId }
      ...ErrorFields
    }
  }
`,
  [ErrorFields],
);
