/**
 * A Pothos plugin that, when `toSchema`/`toSubGraphSchema` is given `typePrefix`, renames what the schema would
 * contribute to a shared (federated or merged) schema: every named type except the root types and GraphQL's own, and
 * the root fields marked {@link PREFIXED_ROOT_FIELD} (`mode` → `esignMode`). Without `typePrefix` it changes
 * nothing. It renames the built schema, so one definition serves both, and a subgraph's `_service.sdl` (printed after
 * this) names what the schema serves.
 */
import { MapperKind, type Maybe, mapSchema } from '@graphql-tools/utils';
import SchemaBuilder, { BasePlugin, type SchemaTypes } from '@pothos/core';
import {
  type GraphQLFieldConfig,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLUnionType,
  isIntrospectionType,
  isSpecifiedScalarType,
} from 'graphql';

const PLUGIN = 'typePrefix';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      typePrefix: PothosTypePrefixPlugin<Types>;
    }
    export interface BuildSchemaOptions<Types extends SchemaTypes> {
      /** Prefixes named types and marked root fields, e.g. `Esign`: `Error` → `EsignError`. */
      typePrefix?: string | undefined;
    }
  }
}

/** Field extensions of a root field that is the service's own rather than a Tencent action's (`mode`). */
export const PREFIXED_ROOT_FIELD = { prefixedRootField: true } as const;

/** `Esign` + `mode` → `esignMode`. */
export function prefixedFieldName(prefix: string, field: string): string {
  return `${prefix.charAt(0).toLowerCase()}${prefix.slice(1)}${field.charAt(0).toUpperCase()}${field.slice(1)}`;
}

export class PothosTypePrefixPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override afterBuild(schema: GraphQLSchema): GraphQLSchema {
    const prefix = this.options.typePrefix;
    return prefix ? withPrefix(schema, prefix) : schema;
  }
}

SchemaBuilder.registerPlugin(PLUGIN, PothosTypePrefixPlugin);

function withPrefix(schema: GraphQLSchema, prefix: string): GraphQLSchema {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((root) => root?.name),
  );
  const renames = (type: GraphQLNamedType) =>
    !roots.has(type.name) && !isSpecifiedScalarType(type) && !isIntrospectionType(type);
  const renamed = (name: string) => {
    const type = schema.getType(name);
    return type && renames(type) ? `${prefix}${name}` : name;
  };
  // Results say what they are by their unprefixed `__typename`.
  const resolveTypeOf = (resolveType: Maybe<GraphQLTypeResolver<unknown, unknown>>) =>
    resolveType &&
    ((...args: Parameters<GraphQLTypeResolver<unknown, unknown>>) => {
      const name = resolveType(...args);
      return typeof name === 'string' ? renamed(name) : Promise.resolve(name).then((n) => n && renamed(n));
    });
  return mapSchema(schema, {
    [MapperKind.TYPE]: (type) => {
      if (!renames(type)) return type;
      const name = renamed(type.name);
      if (type instanceof GraphQLObjectType) return new GraphQLObjectType({ ...type.toConfig(), name });
      if (type instanceof GraphQLInputObjectType) return new GraphQLInputObjectType({ ...type.toConfig(), name });
      if (type instanceof GraphQLEnumType) return new GraphQLEnumType({ ...type.toConfig(), name });
      if (type instanceof GraphQLInterfaceType) {
        const config = type.toConfig();
        return new GraphQLInterfaceType({ ...config, name, resolveType: resolveTypeOf(config.resolveType) });
      }
      if (type instanceof GraphQLUnionType) {
        const config = type.toConfig();
        return new GraphQLUnionType({ ...config, name, resolveType: resolveTypeOf(config.resolveType) });
      }
      return new GraphQLScalarType({ ...type.toConfig(), name });
    },
    [MapperKind.ROOT_FIELD]: (field: GraphQLFieldConfig<unknown, unknown>, fieldName) =>
      field.extensions?.prefixedRootField ? [prefixedFieldName(prefix, fieldName), field] : field,
  });
}
