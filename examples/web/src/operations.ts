/**
 * The documents the page sends, typed by gql.tada. The two mutations select what the README's example selects: the
 * success with what it cancelled, then errors from the specific to the general (`... on Error` last).
 */
import { graphql } from './graphql.js';

export const CancelAutoSignLink = graphql(`
  mutation CancelAutoSignLink($input: CancelUserAutoSignEnableUrlInput!) {
    cancelUserAutoSignEnableUrl(input: $input) {
      __typename
      ... on CancelUserAutoSignEnableUrlSuccess { requestId sceneKey linkId }
      ... on TencentError { code requestId }
      ... on ValidationError { issues { path message } }
      ... on RateLimitedError { retryAfterSeconds }
      ... on Error { message }
    }
  }
`);

export const CancelQrCode = graphql(`
  mutation CancelQrCode($input: ChannelCancelMultiFlowSignQRCodeInput!) {
    channelCancelMultiFlowSignQRCode(input: $input) {
      __typename
      ... on ChannelCancelMultiFlowSignQRCodeSuccess { requestId qrCodeId }
      ... on TencentError { code requestId }
      ... on ValidationError { issues { path message } }
      ... on RateLimitedError { retryAfterSeconds }
      ... on Error { message }
    }
  }
`);

/** Where the service sends its calls: the page shows a banner when it is the sandbox. */
export const Mode = graphql(`
  query Mode { mode }
`);

export const ResetSandbox = graphql(`
  mutation ResetSandbox {
    resetSandbox {
      __typename
      ... on SandboxResetSuccess { message }
      ... on Error { message }
    }
  }
`);
