/**
 * Tencent's Security Token Service (sts, version 2018-08-13): `AssumeRole`, TC3-signed with base credentials, and
 * `AssumeRoleWithWebIdentity`, which its reference says is sent with `Authorization: SKIP` and no token.
 */
import { z } from 'zod';
import { Tc3Signer } from '../sign.js';
import type { CredentialHttp } from './http.js';
import type { Credentials, TemporaryCredentials } from './source.js';

export const STS_ENDPOINT = 'https://sts.tencentcloudapi.com';
export const STS_VERSION = '2018-08-13';
/** The region the official SDKs send AssumeRole to. */
export const STS_REGION = 'ap-guangzhou';
/** The SDKs' default lifetime; Tencent allows up to 43,200 s. */
export const DEFAULT_DURATION_SECONDS = 7200;

const Reply = z.object({
  Response: z.union([
    z.object({
      Error: z.object({ Code: z.string(), Message: z.string() }),
      RequestId: z.string(),
    }),
    z.object({
      Credentials: z.object({
        Token: z.string().min(1),
        TmpSecretId: z.string().min(1),
        TmpSecretKey: z.string().min(1),
      }),
      ExpiredTime: z.number().int().positive(),
      RequestId: z.string(),
    }),
  ]),
});

/** Tencent answered with an error. Its message is left out: it may quote the parameters, a web identity token among them. */
export class StsError extends Error {
  override name = 'StsError';
  constructor(
    readonly action: string,
    readonly code: string,
    readonly requestId: string,
  ) {
    super(`${action} was refused: ${code} (RequestId ${requestId})`);
  }
}

export interface StsClientOptions {
  http: CredentialHttp;
  /** Base URL, `https://sts.tencentcloudapi.com` unless overridden (a local emulator). */
  endpoint: string;
  now: () => number;
}

export interface RoleSession {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
}

export class StsClient {
  private readonly url: URL;

  constructor(private readonly options: StsClientOptions) {
    this.url = new URL(options.endpoint);
  }

  /** `AssumeRole` signed with `base`: temporary credentials of the role. */
  assumeRole(base: Credentials, role: RoleSession): Promise<TemporaryCredentials> {
    const params = { RoleArn: role.roleArn, RoleSessionName: role.sessionName, DurationSeconds: role.durationSeconds };
    return this.call('AssumeRole', params, STS_REGION, base);
  }

  /** `AssumeRoleWithWebIdentity`: the OIDC token stands in for a signature. */
  assumeRoleWithWebIdentity(
    role: RoleSession & { providerId: string; webIdentityToken: string },
    region: string,
  ): Promise<TemporaryCredentials> {
    const params = {
      ProviderId: role.providerId,
      WebIdentityToken: role.webIdentityToken,
      RoleArn: role.roleArn,
      RoleSessionName: role.sessionName,
      DurationSeconds: role.durationSeconds,
    };
    return this.call('AssumeRoleWithWebIdentity', params, region, undefined);
  }

  private async call(
    action: string,
    params: Record<string, unknown>,
    region: string,
    signWith: Credentials | undefined,
  ): Promise<TemporaryCredentials> {
    const body = JSON.stringify(params);
    const path = this.url.pathname || '/';
    const timestamp = Math.floor(this.options.now() / 1000);
    const signed = { 'content-type': 'application/json', host: this.url.host, 'x-tc-action': action };
    const headers: Record<string, string> = {
      ...signed,
      'x-tc-timestamp': String(timestamp),
      'x-tc-version': STS_VERSION,
      'x-tc-region': region,
      authorization: signWith
        ? new Tc3Signer(signWith.secretKey).authorization(
            { secretId: signWith.secretId, service: 'sts', timestamp },
            { method: 'POST', path, query: '', headers: signed, payload: body },
          )
        : 'SKIP',
    };
    if (signWith?.token) headers['x-tc-token'] = signWith.token;

    const reply = await this.options.http.send(this.url.href, { method: 'POST', headers, body });
    if (reply.status !== 200) throw new Error(`${action}: STS answered HTTP ${reply.status}`);
    let json: unknown;
    try {
      json = JSON.parse(reply.text);
    } catch {
      throw new Error(`${action}: STS answered with something that is not JSON`);
    }
    const parsed = Reply.safeParse(json);
    if (!parsed.success) throw new Error(`${action}: STS answered without temporary credentials`);
    const response = parsed.data.Response;
    if ('Error' in response) throw new StsError(action, response.Error.Code, response.RequestId);
    const { Token, TmpSecretId, TmpSecretKey } = response.Credentials;
    return {
      credentials: { secretId: TmpSecretId, secretKey: TmpSecretKey, token: Token },
      expiresAt: response.ExpiredTime * 1000,
    };
  }
}
