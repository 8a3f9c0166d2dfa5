/**
 * `npm run api-key -- <name>`: makes a new API key for a server-to-server
 * caller. The key is printed once, for the caller; the configuration gets only
 * its SHA-256 digest, in the printed AUTH_API_KEYS entry.
 */
import { apiKeyDigest, newApiKey } from '../plugins/auth/api-keys.js';

const name = process.argv[2] ?? 'my-service';
const key = newApiKey();
console.log(`API key for "${name}" (give it to the caller; it is not stored anywhere): ${key}`);
console.log(
  `AUTH_API_KEYS entry (add identity fields to bind it): ${JSON.stringify({ name, sha256: apiKeyDigest(key) })}`,
);
