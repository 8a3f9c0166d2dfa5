import { describe, expect, it } from 'vitest';
import {
  LONG_VALUE_MESSAGE,
  maskIdNumber,
  maskName,
  redact,
  SECRET_PLACEHOLDER,
  withoutEchoedValues,
} from '../../src/telemetry/redact.js';

describe('redact', () => {
  it('keeps the first and last two characters of an ID number', () => {
    expect(maskIdNumber('610000000000000000')).toBe('61**************00');
    expect(maskIdNumber('A123')).toBe('****');
  });

  it('keeps the first character of a name, counting characters not code units', () => {
    expect(maskName('小明')).toBe('小*');
    expect(maskName('𠮷野家')).toBe('𠮷**');
    expect(maskName('X')).toBe('*');
  });

  it('masks personal data and secrets at any depth, whatever the key spelling', () => {
    const input = {
      input: { name: '小明', idCardNumber: '610000000000000000', sceneKey: 'E_PRESCRIPTION_AUTO_SIGN' },
      request: { UserInfo: { Name: '小强', IdCardNumber: '110101199003074514' } },
      headers: { authorization: 'Bearer abc.def', 'x-api-key': 'k-123', 'x-tc-token': 'tok' },
      credentials: { secretId: 'AKIDxyz', secretKey: 'sk' },
      list: [{ user_name: '小红' }],
    };
    const out = redact(input);
    expect(out.input).toEqual({
      name: '小*',
      idCardNumber: '61**************00',
      sceneKey: 'E_PRESCRIPTION_AUTO_SIGN',
    });
    expect(out.request.UserInfo).toEqual({ Name: '小*', IdCardNumber: '11**************14' });
    expect(out.headers).toEqual({
      authorization: SECRET_PLACEHOLDER,
      'x-api-key': SECRET_PLACEHOLDER,
      'x-tc-token': SECRET_PLACEHOLDER,
    });
    expect(out.credentials).toEqual({ secretId: SECRET_PLACEHOLDER, secretKey: SECRET_PLACEHOLDER });
    expect(out.list).toEqual([{ user_name: '小*' }]);
    expect(JSON.stringify(out)).not.toMatch(/610000000000000000|Bearer|AKIDxyz/);
    expect(input.input.name).toBe('小明');
  });

  it('survives cycles', () => {
    const node: Record<string, unknown> = { idNumber: '610000000000000000' };
    node.self = node;
    expect(redact(node)).toEqual({ idNumber: '61**************00', self: '[circular]' });
  });

  it('copies only what holds something to mask, keeping the fields before and after', () => {
    const line = { reqId: 'r-1', code: 'OK', latencyMs: 4.2, nested: { outcome: 'data' }, list: [{ action: 'A' }] };
    expect(redact(line)).toBe(line);
    const listed = { mutations: [{ action: 'A' }, { name: '小明' }] };
    expect(redact(listed)).toEqual({ mutations: [{ action: 'A' }, { name: '小*' }] });
    expect(redact(listed).mutations[0]).toBe(listed.mutations[0]);
    const mixed = { reqId: 'r-1', user: { idNumber: '610000000000000000' }, safe: { code: 'OK' }, after: 1 };
    const out = redact(mixed);
    expect(out).toEqual({ reqId: 'r-1', user: { idNumber: '61**************00' }, safe: { code: 'OK' }, after: 1 });
    expect(Object.keys(out)).toEqual(['reqId', 'user', 'safe', 'after']);
    expect(mixed.user.idNumber).toBe('610000000000000000');
  });

  it('keeps a field named __proto__ as a field of the copy', () => {
    const input = JSON.parse('{"__proto__": {"note": "x"}, "idNumber": "610000000000000000"}') as object;
    const out = redact(input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"note":"x"},"idNumber":"61**************00"}');
  });
});

describe('withoutEchoedValues', () => {
  // Messages as graphql-js words them, for values a client sent wrongly.
  it.each([
    [
      'Variable "$input" got invalid value { name: "欧阳明月", idCardType: "ID_CARD" } at "input.userInfo"; Field "idCardNumber" of required type "String!" was not provided.',
      'Variable "$input" got an invalid value at "input.userInfo"; Field "idCardNumber" of required type "String!" was not provided.',
    ],
    [
      'Variable "$input" got invalid value 110105194912310020 at "input.userInfo.idCardNumber"; String cannot represent a non string value: 110105194912310020',
      'Variable "$input" got an invalid value at "input.userInfo.idCardNumber"; String cannot represent a non string value.',
    ],
    [
      'Variable "$x" got invalid value "11010519491231002X"; Boolean cannot represent a non boolean value: "11010519491231002X"',
      'Variable "$x" got an invalid value; Boolean cannot represent a non boolean value.',
    ],
    [
      'Value "11010519491231002X" does not exist in "IdCardType" enum. Did you mean the enum value "ID_CARD"?',
      'The value does not exist in "IdCardType" enum. Did you mean the enum value "ID_CARD"?',
    ],
    [
      'Enum "IdCardType" cannot represent non-enum value: "11010519491231002X".',
      'Enum "IdCardType" cannot represent non-enum value.',
    ],
    [
      'Expected value of type "UserThreeFactorInput!", found "11010519491231002X".',
      'Expected value of type "UserThreeFactorInput!".',
    ],
    ['Syntax Error: Expected Name, found String "11010519491231002X".', 'Syntax Error: Expected Name, found String.'],
    ['Syntax Error: Unexpected Int "110105194912310020".', 'Syntax Error: Unexpected Int.'],
  ])('drops the value from %j', (message, expected) => {
    expect(withoutEchoedValues(message)).toBe(expected);
  });

  it('replaces a message holding a long value whole', () => {
    const value = `${'Value "x" '.repeat(300)}11010519491231002X`;
    expect(withoutEchoedValues(`Syntax Error: Expected Name, found String "${value}".`)).toBe(LONG_VALUE_MESSAGE);
  });

  it('leaves messages without values alone', () => {
    for (const message of [
      'Cannot query field "modes" on type "Query".',
      'Syntax Error: Unterminated string.',
      'Unexpected error.',
    ]) {
      expect(withoutEchoedValues(message)).toBe(message);
    }
  });
});
