/** `npm run schema`: writes the schema, printed from the code, to `schema.graphql`. */
import { writeFileSync } from 'node:fs';
import { printSchemaSDL, SCHEMA_FILE } from '../schema/sdl.js';

writeFileSync(SCHEMA_FILE, printSchemaSDL());
console.log('wrote schema.graphql');
