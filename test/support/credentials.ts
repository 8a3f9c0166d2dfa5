/** Test helpers for credential providers: whether the emulator accepts some credentials, and OIDC tokens. */
import { randomBytes } from 'node:crypto';
import { DEMO } from '../../src/emulator/seed.js';
import type { Emulator } from '../../src/emulator/server.js';
import { TencentClient } from '../../src/tencent/client.js';
import type { Credentials, CredentialSource } from '../../src/tencent/credentials/index.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';

export const ROLE_ARN = 'qcs::cam::uin/100000000001:roleName/esign-caller';

/**
 * Signs one essbasic call with `credentials` and answers what the emulator made of it: the error code, which is
 * `InvalidParameter.DataNotFound` (a QR code that does not exist) once the signature was accepted.
 */
export async function answerTo(
  emulator: Emulator,
  credentials: Credentials | CredentialSource,
  now?: () => number,
): Promise<string> {
  const endpoints = { ess: emulator.url, essbasic: emulator.url };
  const client = new TencentClient({ credentials, endpoints, timeoutMs: 2000, now });
  try {
    const agent = {
      AppId: DEMO.appId,
      ProxyOrganizationOpenId: DEMO.proxyOrganizationOpenId,
      ProxyOperator: { OpenId: 'n9527' },
    };
    const outcome = await client.call(ChannelCancelMultiFlowSignQRCode, { Agent: agent, QrCodeId: 'N'.repeat(32) });
    if (outcome.ok) return 'OK';
    return outcome.failure.kind === 'tencent'
      ? outcome.failure.code
      : `${outcome.failure.kind}:${outcome.failure.message}`;
  } finally {
    await client.close();
  }
}

export const ACCEPTED = 'InvalidParameter.DataNotFound';

/** An unsigned JWT-shaped OIDC token with these claims (the emulator checks shape and `exp`, as TKE's are JWTs). */
export function webIdentityToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: 'https://tke.example', sub: 'system:serviceaccount:esign:api', ...claims })}.${randomBytes(16).toString('base64url')}`;
}
