/** The schema as SDL, printed from the code: what `npm run schema` writes and the drift test compares. */
import { printSchema } from 'graphql';
import { schema } from './index.js';

/** `schema.graphql` at the repository root. */
export const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);

export function printSchemaSDL(): string {
  return `${printSchema(schema)}\n`;
}
