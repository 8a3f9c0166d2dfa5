/**
 * Operations compiled with graphql-jit give the same result as graphql-js's
 * `execute`, errors included once yoga has masked them (as the service
 * does): message, location in the document's source, path, and the order of
 * the keys. Checked on a small schema whose resolvers fail at several
 * depths, with documents written in different line styles.
 */
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  getOperationAST,
  parse,
} from 'graphql';
import { maskError } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { CompiledOperations } from '../../../src/server/fast-path/compiled-operations.js';

const fail = (message: string) => () => {
  throw new Error(message);
};

const Nested = new GraphQLObjectType({
  name: 'Nested',
  fields: {
    fine: { type: GraphQLString, resolve: () => 'fine' },
    deeper: { type: GraphQLString, resolve: fail('deeper failed') },
    missing: { type: new GraphQLNonNull(GraphQLString), resolve: () => null },
    items: { type: new GraphQLList(GraphQLString), resolve: () => ['a', 'b'] },
  },
});

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      fine: { type: GraphQLString, resolve: () => 'fine' },
      fails: { type: GraphQLString, resolve: fail('top failed') },
      missing: { type: new GraphQLNonNull(GraphQLString), resolve: () => null },
      nested: { type: Nested, resolve: () => ({}) },
      echo: {
        type: GraphQLString,
        args: { text: { type: new GraphQLNonNull(GraphQLString) } },
        resolve: (_root, args: { text: string }) => args.text,
      },
    },
  }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: { change: { type: GraphQLString, resolve: fail('change failed') } },
  }),
});

/** A result as the service answers it: unexpected errors masked by yoga. */
function masked(result: ExecutionResult): string {
  const errors = result.errors?.map((error) => maskError(error, 'Unexpected error.', false));
  return JSON.stringify(errors ? { ...result, errors } : result);
}

function bothWays(document: DocumentNode, variables?: Record<string, unknown>) {
  const operation = getOperationAST(document);
  if (!operation) throw new Error('one operation expected');
  const compiled = new CompiledOperations(schema).get(document, operation);
  if (!compiled) throw new Error('not compiled');
  return Promise.all([
    compiled({}, variables).then(masked),
    Promise.resolve(execute({ schema, document, variableValues: variables, contextValue: {} })).then(masked),
  ]);
}

describe('CompiledOperations', () => {
  it('answers a success as graphql-js does', async () => {
    const [compiled, reference] = await bothWays(parse('{ fine nested { fine items } alias: echo(text: "hi") }'));
    expect(compiled).toBe(reference);
    expect(JSON.parse(compiled)).toEqual({
      data: { fine: 'fine', nested: { fine: 'fine', items: ['a', 'b'] }, alias: 'hi' },
    });
  });

  const documents = {
    'one line': '{ fine fails nested { deeper } }',
    'LF lines': 'query Q {\n  fine\n  fails\n  nested {\n    ...Deep\n  }\n}\n\nfragment Deep on Nested {\n  deeper\n}',
    'CRLF lines': 'query Q {\r\n  fails\r\n\r\n  nested { deeper }\r\n}',
    'CR lines': 'query Q {\r  fails\r  nested {\r deeper }\r}',
    mutation: 'mutation M {\n  change\n}',
    'null for a non-null field': '{\n  fine\n  nested {\n    fine\n    missing\n  }\n}',
    'null for a non-null root field': '{\n  fine\n  missing\n}',
  };
  for (const [style, text] of Object.entries(documents)) {
    it(`locates and orders resolver errors as graphql-js does (${style})`, async () => {
      const [compiled, reference] = await bothWays(parse(text));
      expect(compiled).toBe(reference);
      expect(JSON.parse(compiled).errors.length).toBeGreaterThan(0);
    });
  }

  it('answers variables that do not coerce with errors and no data', async () => {
    const document = parse('query Echo($text: String!) { echo(text: $text) }');
    const operation = getOperationAST(document)!;
    const result = await new CompiledOperations(schema).get(document, operation)!({}, { text: 42 });
    expect(result).not.toHaveProperty('data');
    expect(result.errors?.length).toBe(1);
  });

  it('compiles each operation once', () => {
    const document = parse('{ fine }');
    const operation = getOperationAST(document)!;
    const operations = new CompiledOperations(schema);
    expect(operations.get(document, operation)).toBe(operations.get(document, operation));
  });
});
