import { readFileSync } from 'node:fs';
import {
  type GraphQLArgument,
  type GraphQLEnumValue,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { printSchemaSDL, SCHEMA_FILE } from '../../src/schema/sdl.js';

type Described =
  | GraphQLNamedType
  | GraphQLField<unknown, unknown>
  | GraphQLArgument
  | GraphQLInputField
  | GraphQLEnumValue;

/** Every schema element GraphiQL's docs pane shows, by its coordinate (`Type.field(arg:)`). */
function schemaElements(): [string, Described][] {
  const elements: [string, Described][] = [];
  const ownTypes = Object.values(schema.getTypeMap()).filter(
    (type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type),
  );
  for (const type of ownTypes) {
    elements.push([type.name, type]);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        elements.push([`${type.name}.${field.name}`, field]);
        for (const arg of field.args) elements.push([`${type.name}.${field.name}(${arg.name}:)`, arg]);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) elements.push([`${type.name}.${field.name}`, field]);
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) elements.push([`${type.name}.${value.name}`, value]);
    }
  }
  return elements;
}

describe('schema.graphql', () => {
  it('is what the code prints', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'schema.graphql is out of date: run `npm run schema`').toBe(
      printSchemaSDL(),
    );
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const elements = schemaElements();
    // Guards the walk itself: a walk that finds nothing would pass vacuously.
    expect(elements.map(([coordinate]) => coordinate)).toEqual(
      expect.arrayContaining([
        'Mutation.channelCancelMultiFlowSignQRCode(input:)',
        'ChannelAgentInput.appId',
        'IdCardType.ID_CARD',
        'TencentError.code',
      ]),
    );
    const undescribed = elements
      .filter(([, element]) => !element.description?.trim())
      .map(([coordinate]) => coordinate);
    expect(undescribed, 'give these a description in src/schema/').toEqual([]);
  });
});
