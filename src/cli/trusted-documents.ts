/**
 * `npm run trusted-documents -- a.graphql b.graphql > trusted-documents.json`:
 * prints the manifest for `TRUSTED_DOCUMENTS`, one entry per file (each file
 * is one document, which may hold several operations). With no files, the
 * manifest holds GraphiQL's example document. Every document is checked
 * against the schema first, as the server does at start-up.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/error.js';
import { trustedDocumentsManifest } from '../config/trusted-documents.js';
import { exampleOperations } from '../plugins/browser/graphiql.js';
import { SANDBOX_EXAMPLE_VALUES } from '../server/sandbox.js';

const sources = process.argv.length > 2 ? process.argv.slice(2) : undefined;
const documents = sources
  ? sources.map((file) => readFileSync(file, 'utf8'))
  : [exampleOperations(SANDBOX_EXAMPLE_VALUES, true)];
const manifest: Record<string, string> = {};
for (const [index, document] of documents.entries()) {
  try {
    Object.assign(manifest, trustedDocumentsManifest([document]));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${sources?.[index] ?? 'GraphiQL example'}: ${error.message}`);
    process.exit(1);
  }
}
process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
