/** `npm run docs`: writes the configuration reference, printed from the configuration schema. */
import { writeFileSync } from 'node:fs';
import { configurationReference, REFERENCE_FILE } from '../config/reference.js';

writeFileSync(REFERENCE_FILE, configurationReference());
console.log('wrote docs/configuration.md');
