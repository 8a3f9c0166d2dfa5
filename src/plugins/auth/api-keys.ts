/** API keys for server-to-server callers: only SHA-256 digests are configured, compared in constant time. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from '../../resolvers/caller.js';
import type { ApiKeyEntry } from '../../config/index.js';

export const API_KEY_HEADER = 'x-api-key';

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The hex digest to put in `AUTH_API_KEYS` for `key`. */
export const apiKeyDigest = (key: string): string => sha256(key).toString('hex');

/** A fresh key: 32 random bytes, base64url, with a prefix that secret scanners and people recognise. */
export const newApiKey = (): string => `esk_${randomBytes(32).toString('base64url')}`;

/** Finds the entry whose digest matches `presented`, or `undefined`. */
export function apiKeyMatcher(entries: readonly ApiKeyEntry[]): (presented: string) => Caller | undefined {
  const known = entries.map((entry) => ({ entry, digest: Buffer.from(entry.sha256, 'hex') }));
  return (presented) => {
    const digest = sha256(presented);
    let found: ApiKeyEntry | undefined;
    // Every entry is compared, equal-length digests in constant time, so timing tells nothing of which matched.
    for (const { entry, digest: expected } of known) {
      if (timingSafeEqual(digest, expected) && found === undefined) found = entry;
    }
    if (found === undefined) return undefined;
    const { name, sha256: _digest, unrestricted, ...identity } = found;
    return { id: `api-key:${name}`, identity, unrestricted };
  };
}
