/**
 * The credential chain: the first provider that has credentials wins, in this order: the environment, the profile
 * files (`~/.tencentcloud/credentials`, then `/etc/tencentcloud/credentials`), the TKE OIDC role (`TKE_*`), the CVM
 * instance role. With a role to assume, its temporary credentials are obtained with `AssumeRole` from the winner's.
 *
 * Tencent's SDKs ask the CVM metadata service before TKE's OIDC variables; here the OIDC role comes first, because a
 * pod that was given one is usually on a node whose own instance role should not stand in for it.
 */
import { readFile } from 'node:fs/promises';
import { CvmRole } from './cvm.js';
import { CredentialHttp } from './http.js';
import { type EnvironmentCredentials, fromEnvironment, fromProfileFiles } from './local.js';
import { RefreshingCredentials } from './refreshing.js';
import {
  type CredentialEvents,
  type Credentials,
  CredentialsError,
  type CredentialSource,
  fixedCredentials,
  type TemporaryCredentials,
} from './source.js';
import { type RoleSession, StsClient } from './sts.js';

export interface TkeOidc {
  region: string;
  providerId: string;
  /** Read again at every renewal: TKE rotates the token in it. */
  tokenFile: string;
  roleArn: string;
}

export type BaseProvider =
  /** `origin`: where they were read, for the start-up log. */
  | { kind: 'fixed'; origin: string; credentials: Credentials }
  | { kind: 'tke-oidc'; oidc: TkeOidc; session: Omit<RoleSession, 'roleArn'> }
  /** Asked at start-up; when no role is bound (or no metadata service answers), the chain is empty. */
  | { kind: 'cvm-role'; metadataUrl: string };

export interface CredentialChain {
  /** The provider that answers, or the CVM instance role still to be asked; absent when none can. */
  base: BaseProvider | undefined;
  /** `AssumeRole` on top of the base credentials. */
  role: RoleSession | undefined;
  stsEndpoint: string;
  /** Providers passed over although something of theirs was set, and why. */
  notes: readonly string[];
}

export interface ChainSettings {
  environment: EnvironmentCredentials;
  profileFiles: readonly string[];
  tke: Partial<TkeOidc>;
  /** Whether to ask the CVM metadata service when nothing before it answered. */
  cvmRole: boolean;
  metadataUrl: string;
  session: Omit<RoleSession, 'roleArn'>;
  /** `TENCENTCLOUD_ROLE_ARN`: a role to assume. */
  roleArn: string | undefined;
  stsEndpoint: string;
}

const TKE_VARIABLES: Record<keyof TkeOidc, string> = {
  region: 'TKE_REGION',
  providerId: 'TKE_PROVIDER_ID',
  tokenFile: 'TKE_WEB_IDENTITY_TOKEN_FILE',
  roleArn: 'TKE_ROLE_ARN',
};

function tkeOidc(tke: Partial<TkeOidc>): { found?: TkeOidc; note?: string } {
  const names = Object.keys(TKE_VARIABLES) as (keyof TkeOidc)[];
  const missing = names.filter((name) => !tke[name]).map((name) => TKE_VARIABLES[name]);
  if (missing.length === 0) return { found: tke as TkeOidc };
  if (missing.length === names.length) return {};
  return { note: `TKE OIDC passed over: ${missing.join(', ')} not set` };
}

/** Which provider answers, decided without any request: only the CVM instance role is left to ask at start-up. */
export function discoverChain(settings: ChainSettings): CredentialChain {
  const notes: string[] = [];
  const found = (base: BaseProvider | undefined): CredentialChain => ({
    base,
    role: settings.roleArn === undefined ? undefined : { roleArn: settings.roleArn, ...settings.session },
    stsEndpoint: settings.stsEndpoint,
    notes,
  });

  const environment = fromEnvironment(settings.environment);
  if (environment.found) {
    return found({
      kind: 'fixed',
      origin: 'TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY',
      credentials: environment.found,
    });
  }
  if (environment.note) notes.push(environment.note);
  const profile = fromProfileFiles(settings.profileFiles);
  if (profile.found)
    return found({ kind: 'fixed', origin: profile.found.path, credentials: profile.found.credentials });
  if (profile.note) notes.push(profile.note);
  const oidc = tkeOidc(settings.tke);
  if (oidc.found) return found({ kind: 'tke-oidc', oidc: oidc.found, session: settings.session });
  if (oidc.note) notes.push(oidc.note);
  return found(settings.cvmRole ? { kind: 'cvm-role', metadataUrl: settings.metadataUrl } : undefined);
}

export interface OpenOptions {
  now?: () => number;
  events?: CredentialEvents | undefined;
  /** Per request to STS or the metadata service. */
  timeoutMs?: number;
  /** How long the metadata service may take to say whether a role is bound, at start-up. */
  probeTimeoutMs?: number;
}

export interface OpenCredentials {
  source: CredentialSource;
  /** Where they come from, e.g. `CVM instance role esign → AssumeRole qcs::cam::…`; no secret in it. */
  description: string;
  close(): Promise<void>;
}

export type OpenResult = { open: OpenCredentials; unavailable?: undefined } | { open?: undefined; unavailable: string };

/** Long enough for the metadata service on an instance; off Tencent Cloud its name does not resolve. */
export const PROBE_TIMEOUT_MS = 1_000;
export const REQUEST_TIMEOUT_MS = 5_000;

async function webIdentityToken(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new Error(`TKE_WEB_IDENTITY_TOKEN_FILE ${path} could not be read (${(error as NodeJS.ErrnoException).code})`);
  }
}

/**
 * Opens the chain: asks the CVM metadata service if it is the last resort, and fetches temporary credentials once,
 * so that a provider that cannot deliver stops start-up. Answers `unavailable` only when no provider has credentials.
 */
export async function openChain(chain: CredentialChain, options: OpenOptions = {}): Promise<OpenResult> {
  const { base } = chain;
  if (!base) return { unavailable: 'no provider has credentials' };
  const now = options.now ?? Date.now;
  const http = new CredentialHttp(options.timeoutMs ?? REQUEST_TIMEOUT_MS);
  const sts = new StsClient({ http, endpoint: chain.stsEndpoint, now });
  const refreshing = (provider: string, fetch: () => Promise<TemporaryCredentials>) =>
    new RefreshingCredentials({ provider, fetch, now, events: options.events });

  let source: CredentialSource;
  let description: string;
  switch (base.kind) {
    case 'fixed':
      source = fixedCredentials(base.credentials);
      description = base.origin;
      break;
    case 'tke-oidc': {
      const { oidc, session } = base;
      source = refreshing('tke-oidc', async () =>
        sts.assumeRoleWithWebIdentity(
          {
            ...session,
            roleArn: oidc.roleArn,
            providerId: oidc.providerId,
            webIdentityToken: await webIdentityToken(oidc.tokenFile),
          },
          oidc.region,
        ),
      );
      description = `TKE OIDC role ${oidc.roleArn}`;
      break;
    }
    case 'cvm-role': {
      const cvm = new CvmRole(http, base.metadataUrl);
      const { role, reason } = await cvm.lookUp(options.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
      if (role === undefined) {
        await http.close();
        return { unavailable: `CVM instance role: ${reason}` };
      }
      source = refreshing('cvm-role', () => cvm.credentials(role));
      description = `CVM instance role ${role}`;
      break;
    }
  }
  const { role } = chain;
  if (role) {
    const baseSource = source;
    source = refreshing('assume-role', async () => sts.assumeRole(await baseSource.current(), role));
    description += ` → AssumeRole ${role.roleArn}`;
  }
  try {
    await source.current();
  } catch (error) {
    await http.close();
    throw new CredentialsError(`${description}: ${(error as Error).message}`);
  }
  return { open: { source, description, close: () => http.close() } };
}
