/**
 * The CVM instance role: the instance metadata service names the role bound to the instance at
 * `cam/security-credentials/` and hands out its temporary credentials at `cam/security-credentials/<role>`.
 */
import { z } from 'zod';
import type { CredentialHttp } from './http.js';
import type { TemporaryCredentials } from './source.js';

/** The SDKs' base URL of the metadata service. */
export const METADATA_URL = 'http://metadata.tencentyun.com/latest/meta-data/';

const RoleCredentials = z.object({
  Code: z.string(),
  TmpSecretId: z.string().optional(),
  TmpSecretKey: z.string().optional(),
  Token: z.string().optional(),
  ExpiredTime: z.number().int().optional(),
});

export type RoleLookup = { role: string; reason?: undefined } | { role?: undefined; reason: string };

export class CvmRole {
  private readonly base: string;

  constructor(
    private readonly http: CredentialHttp,
    metadataUrl: string,
  ) {
    this.base = new URL('cam/security-credentials/', metadataUrl.endsWith('/') ? metadataUrl : `${metadataUrl}/`).href;
  }

  /** The role bound to this instance; a 404 means none is (off Tencent Cloud, nothing answers at all). */
  async lookUp(timeoutMs?: number): Promise<RoleLookup> {
    let reply: Awaited<ReturnType<CredentialHttp['send']>>;
    try {
      reply = await this.http.send(this.base, { method: 'GET' }, timeoutMs);
    } catch (error) {
      return { reason: (error as Error).message };
    }
    if (reply.status === 404) return { reason: 'the metadata service says no role is bound to this instance' };
    const role = reply.text.trim().split('\n')[0]?.trim() ?? '';
    if (reply.status !== 200 || role === '') {
      return { reason: `the metadata service answered HTTP ${reply.status} without a role name` };
    }
    return { role };
  }

  async credentials(role: string): Promise<TemporaryCredentials> {
    const reply = await this.http.send(this.base + encodeURIComponent(role), { method: 'GET' });
    if (reply.status !== 200) throw new Error(`the metadata service answered HTTP ${reply.status} for role ${role}`);
    let json: unknown;
    try {
      json = JSON.parse(reply.text);
    } catch {
      throw new Error(`the metadata service answered something that is not JSON for role ${role}`);
    }
    const parsed = RoleCredentials.safeParse(json);
    if (!parsed.success) throw new Error(`the metadata service answered without credentials for role ${role}`);
    const { Code, TmpSecretId, TmpSecretKey, Token, ExpiredTime } = parsed.data;
    if (Code !== 'Success') throw new Error(`the metadata service answered Code ${Code} for role ${role}`);
    if (!TmpSecretId || !TmpSecretKey || !Token || !ExpiredTime) {
      throw new Error(`the metadata service answered incomplete credentials for role ${role}`);
    }
    return {
      credentials: { secretId: TmpSecretId, secretKey: TmpSecretKey, token: Token },
      expiresAt: ExpiredTime * 1000,
    };
  }
}
