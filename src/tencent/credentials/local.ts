/**
 * The first two providers of Tencent's default chain, both read once at start-up: the environment, then the
 * `[default]` profile of the first credentials file that exists. Each either answers or says why it passed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIni } from './ini.js';
import type { Credentials } from './source.js';

/** What a provider found: credentials, or nothing and, when something was there but incomplete, why. */
export type Found<T> = { found: T; note?: undefined } | { found?: undefined; note?: string };

export interface EnvironmentCredentials {
  secretId?: string | undefined;
  secretKey?: string | undefined;
  token?: string | undefined;
}

function withToken(secretId: string, secretKey: string, token: unknown): Credentials {
  return typeof token === 'string' && token !== '' ? { secretId, secretKey, token } : { secretId, secretKey };
}

/** `TENCENTCLOUD_SECRET_ID`/`_KEY`/`_SESSION_TOKEN`; with only one of the pair, the chain goes on (as the SDKs do). */
export function fromEnvironment({ secretId, secretKey, token }: EnvironmentCredentials): Found<Credentials> {
  if (secretId && secretKey) return { found: withToken(secretId, secretKey, token) };
  if (secretId) return { note: 'TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not' };
  if (secretKey) return { note: 'TENCENTCLOUD_SECRET_KEY is set but TENCENTCLOUD_SECRET_ID is not' };
  return {};
}

export const SYSTEM_CREDENTIALS_FILE = '/etc/tencentcloud/credentials';

/** Where the SDKs look, in order: the home directory's file, then the system-wide one. */
export function profileFiles(home: string, system = SYSTEM_CREDENTIALS_FILE): string[] {
  return [join(home, '.tencentcloud', 'credentials'), system];
}

/**
 * The `[default]` section's `secret_id`, `secret_key` and `token` of the first file that exists. As in the SDKs, a
 * file that exists but holds no credentials ends the search: the next file is not read.
 */
export function fromProfileFiles(paths: readonly string[]): Found<{ credentials: Credentials; path: string }> {
  const path = paths.find((candidate) => existsSync(candidate));
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { note: `${path} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const profile = parseIni(text).get('default');
  const secretId = profile?.get('secret_id');
  const secretKey = profile?.get('secret_key');
  if (typeof secretId === 'string' && secretId !== '' && typeof secretKey === 'string' && secretKey !== '') {
    return { found: { credentials: withToken(secretId, secretKey, profile?.get('token')), path } };
  }
  return { note: `${path} has no secret_id and secret_key in its [default] section` };
}
