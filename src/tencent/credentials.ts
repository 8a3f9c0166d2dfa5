/**
 * Credentials, resolved the way Tencent's SDKs and CLI do: the environment
 * first, then the `[default]` profile of `~/.tencentcloud/credentials`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  secretId: string;
  secretKey: string;
  /** Session token of temporary credentials, sent as `X-TC-Token`. */
  token?: string;
}

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

/** Parses the INI file the Tencent CLI writes; returns section → key → value. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!.trim(), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

function fromEnvironment(env: NodeJS.ProcessEnv): Credentials | undefined {
  const secretId = env.TENCENTCLOUD_SECRET_ID || undefined;
  const secretKey = env.TENCENTCLOUD_SECRET_KEY || undefined;
  const token = env.TENCENTCLOUD_SESSION_TOKEN || undefined;
  if (!secretId && !secretKey) return undefined;
  if (!secretId) throw new CredentialsError('TENCENTCLOUD_SECRET_KEY is set but TENCENTCLOUD_SECRET_ID is not');
  if (!secretKey) throw new CredentialsError('TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not');
  return token ? { secretId, secretKey, token } : { secretId, secretKey };
}

function fromProfile(path: string): Credentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const profile = parseIni(text).get('default');
  const secretId = profile?.get('secret_id');
  const secretKey = profile?.get('secret_key');
  if (!secretId || !secretKey) return undefined;
  const token = profile?.get('token');
  return token ? { secretId, secretKey, token } : { secretId, secretKey };
}

export function credentialsFilePath(home = homedir()): string {
  return join(home, '.tencentcloud', 'credentials');
}

/** Returns undefined when neither source has credentials (sandbox mode). */
export function resolveCredentials(env: NodeJS.ProcessEnv, home?: string): Credentials | undefined {
  return fromEnvironment(env) ?? fromProfile(credentialsFilePath(home));
}
