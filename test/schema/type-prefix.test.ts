/** The type prefix: every named type the schema contributes but the root types, and its own root fields, renamed. */
import { printSubgraphSchema } from '@apollo/subgraph';
import { graphql, isIntrospectionType, isSpecifiedScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createEsignSchema, schema } from '../../src/schema/index.js';

const ownTypes = (built: typeof schema) =>
  Object.values(built.getTypeMap())
    .filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type))
    .map((type) => type.name)
    .filter((name) => name !== 'Query' && name !== 'Mutation');

describe('typePrefix', () => {
  it('renames every type but the root types and the marked root fields, and keeps the Tencent action fields', () => {
    const prefixed = createEsignSchema({ typePrefix: 'Esign' });
    expect(
      ownTypes(prefixed)
        .map((name) => name.replace(/^Esign/, ''))
        .sort(),
    ).toEqual(ownTypes(schema).sort());
    expect(ownTypes(prefixed).every((name) => name.startsWith('Esign'))).toBe(true);
    expect(Object.keys(prefixed.getQueryType()!.getFields())).toEqual(['esignMode', 'esignMaxBatchItems']);
    expect(Object.keys(prefixed.getMutationType()!.getFields()).sort()).toEqual([
      'cancelUserAutoSignEnableUrl',
      'channelCancelMultiFlowSignQRCode',
      'channelCancelMultiFlowSignQRCodes',
      'esignResetSandbox',
    ]);
  });

  it('answers prefixed __typename from a union and an interface', async () => {
    const result = await graphql({
      schema: createEsignSchema({ typePrefix: 'Esign' }),
      source: 'mutation { esignResetSandbox { __typename ... on EsignError { message } } }',
      contextValue: { mode: 'TEST', outcomes: [] },
    });
    expect(result).toEqual({
      data: { esignResetSandbox: { __typename: 'EsignSandboxOnlyError', message: expect.any(String) } },
    });
  });

  it('leaves the service’s own schema as it was, and prints a subgraph SDL with the federation link', () => {
    expect(ownTypes(schema)).not.toContainEqual(expect.stringMatching(/^Esign/));
    const sdl = printSubgraphSchema(createEsignSchema({ federation: true, typePrefix: 'Esign' }));
    expect(sdl).toMatch(/^extend schema\s+@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.6"/);
    expect(sdl).toMatch(/^interface EsignError \{/m);
  });
});
