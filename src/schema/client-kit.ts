/**
 * The client kit `npm run schema` writes to `client/` beside `schema.graphql`, printed from the code:
 * - `possible-types.json` / `.ts`: every union and interface with the object types it can be (`possibleTypes`),
 *   which Apollo Client's `InMemoryCache` needs to match fragments on `Error` and `TencentError`;
 * - `introspection.json` / `.ts`: the schema minified for urql Graphcache's schema awareness (`schema`).
 */
import { getIntrospectedSchema, minifyIntrospectionQuery } from '@urql/introspection';
import { type GraphQLSchema, isAbstractType } from 'graphql';
import { schema } from './index.js';

export const CLIENT_KIT_DIRECTORY = new URL('../../client/', import.meta.url);

/** Abstract type → the object types it can be, both sorted, so the files change only when the schema does. */
export function possibleTypesOf(of: GraphQLSchema): Record<string, string[]> {
  const abstract = Object.values(of.getTypeMap())
    .filter(isAbstractType)
    .filter((type) => !type.name.startsWith('__'))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return Object.fromEntries(
    abstract.map((type) => [
      type.name,
      of
        .getPossibleTypes(type)
        .map((member) => member.name)
        .sort(),
    ]),
  );
}

const HEADER = '// Written by `npm run schema` from the schema; do not edit.\n';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** File name (in `client/`) → content. */
export function clientKitFiles(of: GraphQLSchema = schema): Record<string, string> {
  const possibleTypes = possibleTypesOf(of);
  const introspection = minifyIntrospectionQuery(getIntrospectedSchema(of));
  return {
    'possible-types.json': json(possibleTypes),
    'possible-types.ts': `${HEADER}/** Every union and interface with its object types: Apollo Client's \`InMemoryCache({ possibleTypes })\`. */
export const possibleTypes: Record<string, string[]> = ${json(possibleTypes).trimEnd()};
`,
    'introspection.json': json(introspection),
    'introspection.ts': `${HEADER}/** The schema, minified for urql Graphcache: \`cacheExchange({ schema })\`. */
export const schema = ${JSON.stringify(introspection)} as const;
`,
  };
}
