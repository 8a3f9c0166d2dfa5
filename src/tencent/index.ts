/**
 * `esign-graphql/tencent`: the Tencent e-sign client on its own, without GraphQL. The TC3-signed client, the caller
 * chain that wraps it (call budget, breaker, retries, one deadline per call), the credential chain, the actions.
 */
export * from './caller/index.js';
export { TencentClient, type TencentClientOptions } from './client.js';
export * from './credentials/index.js';
export { ENVIRONMENT_ENDPOINTS, type Endpoints, type EsignEnvironment, SERVICES, type Service } from './endpoints.js';
export { CancelUserAutoSignEnableUrl, type CancelUserAutoSignEnableUrlRequest } from './ess.js';
export { ChannelCancelMultiFlowSignQRCode, type ChannelCancelMultiFlowSignQRCodeRequest } from './essbasic.js';
export type { ReplyOf, RequestOf, TencentAction } from './action.js';
export { languageFor, TENCENT_LANGUAGES, type TencentLanguage } from './language.js';
