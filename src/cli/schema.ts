/** `npm run schema`: writes the schema, printed from the code, to `schema.graphql`, and the client kit to `client/`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { CLIENT_KIT_DIRECTORY, clientKitFiles } from '../schema/client-kit.js';
import { printSchemaSDL, SCHEMA_FILE } from '../schema/sdl.js';

writeFileSync(SCHEMA_FILE, printSchemaSDL());
console.log('wrote schema.graphql');
mkdirSync(CLIENT_KIT_DIRECTORY, { recursive: true });
for (const [name, content] of Object.entries(clientKitFiles())) {
  writeFileSync(new URL(name, CLIENT_KIT_DIRECTORY), content);
  console.log(`wrote client/${name}`);
}
