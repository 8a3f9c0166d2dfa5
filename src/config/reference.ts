/** The configuration reference (docs/configuration.md), printed from the schema so it cannot drift from the code. */
import { GROUPS, variableDocs } from './schema.js';

/** `docs/configuration.md` at the repository root. */
export const REFERENCE_FILE = new URL('../../docs/configuration.md', import.meta.url);

const cell = (text: string) => text.replaceAll('|', '\\|');

export function configurationReference(): string {
  const variables = variableDocs();
  const sections = GROUPS.map((group) => {
    const rows = variables
      .filter((variable) => variable.group === group)
      .map((v) => `| \`${v.name}\` | ${cell(v.defaultText)} | ${cell(v.description)} |`);
    return [`## ${group}`, '', '| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
  });
  return [
    '# Configuration reference',
    '',
    'Environment variables, read and validated once at start-up. A bad value stops start-up with a one-line',
    'message naming the variable, and never echoing a secret. An empty variable counts as unset.',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs`; `npm test` fails when it is out of date. -->',
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
}
