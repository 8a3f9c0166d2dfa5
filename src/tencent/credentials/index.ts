/** Tencent Cloud credentials: where they come from (the chain), how they are kept fresh, and what the client asks. */
export {
  type BaseProvider,
  type ChainSettings,
  type CredentialChain,
  discoverChain,
  type OpenCredentials,
  type OpenResult,
  openChain,
} from './chain.js';
export { METADATA_URL } from './cvm.js';
export { profileFiles } from './local.js';
export {
  type CredentialEvents,
  type Credentials,
  CredentialsError,
  type CredentialSource,
  CredentialsUnavailableError,
  fixedCredentials,
  isCredentialSource,
  type TemporaryCredentials,
} from './source.js';
export { DEFAULT_DURATION_SECONDS, STS_ENDPOINT } from './sts.js';
