// Written by `npm run schema` from the schema; do not edit.
/** Every union and interface with its object types: Apollo Client's `InMemoryCache({ possibleTypes })`. */
export const possibleTypes: Record<string, string[]> = {
  "CancelUserAutoSignEnableUrlResult": [
    "AuthFailureError",
    "AutoSignAlreadyEnabledError",
    "AutoSignEnableUrlNotFoundError",
    "CallerNotAllowedError",
    "CancelUserAutoSignEnableUrlSuccess",
    "InvalidParameterError",
    "MissingParameterError",
    "OperationDeniedError",
    "RateLimitedError",
    "TencentApiError",
    "TencentInternalError",
    "UpstreamUnavailableError",
    "ValidationError"
  ],
  "ChannelCancelMultiFlowSignQRCodeResult": [
    "AuthFailureError",
    "CallerNotAllowedError",
    "ChannelCancelMultiFlowSignQRCodeSuccess",
    "FeatureNotEnabledError",
    "ForbiddenError",
    "InvalidParameterError",
    "MissingParameterError",
    "QrCodeExpiredError",
    "QrCodeInvalidError",
    "QrCodeNotFoundError",
    "RateLimitedError",
    "TencentApiError",
    "TencentInternalError",
    "UpstreamUnavailableError",
    "ValidationError"
  ],
  "ChannelCancelMultiFlowSignQRCodesResult": [
    "CallerNotAllowedError",
    "ChannelCancelMultiFlowSignQRCodesSuccess",
    "ValidationError"
  ],
  "Error": [
    "AuthFailureError",
    "AutoSignAlreadyEnabledError",
    "AutoSignEnableUrlNotFoundError",
    "CallerNotAllowedError",
    "FeatureNotEnabledError",
    "ForbiddenError",
    "InvalidParameterError",
    "MissingParameterError",
    "OperationDeniedError",
    "QrCodeExpiredError",
    "QrCodeInvalidError",
    "QrCodeNotFoundError",
    "RateLimitedError",
    "SandboxOnlyError",
    "TencentApiError",
    "TencentInternalError",
    "UpstreamUnavailableError",
    "ValidationError"
  ],
  "ResetSandboxResult": [
    "SandboxOnlyError",
    "SandboxResetSuccess"
  ],
  "TencentError": [
    "AuthFailureError",
    "AutoSignAlreadyEnabledError",
    "AutoSignEnableUrlNotFoundError",
    "FeatureNotEnabledError",
    "ForbiddenError",
    "InvalidParameterError",
    "MissingParameterError",
    "OperationDeniedError",
    "QrCodeExpiredError",
    "QrCodeInvalidError",
    "QrCodeNotFoundError",
    "TencentApiError",
    "TencentInternalError"
  ]
};
