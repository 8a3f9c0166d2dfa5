/**
 * Input parameters as Tencent's API reference defines them (String, Integer, Boolean, structures,
 * arrays; required or optional), checked the way Tencent answers: a parameter the action does not
 * define is `UnknownParameter`, a required one absent (or an empty string) `MissingParameter`, the
 * wrong JSON type `InvalidParameter`, a value outside the documented ones `InvalidParameterValue`.
 * Independent of the client's zod schemas on purpose: the emulator must not trust what it tests.
 */
import * as errors from './errors.js';
import type { ApiError, Message } from './replies.js';

export interface Param<T> {
  /** Tencent's name for the type, as the API reference prints it. */
  readonly type: string;
  check(value: unknown, path: string): { ok: true; value: T } | { ok: false; error: ApiError };
}

type Field<T = unknown> = { readonly param: Param<T>; readonly required: boolean };
type Fields = Readonly<Record<string, Field>>;
type Infer<F extends Fields> = { [K in keyof F as F[K]['required'] extends true ? K : never]: FieldType<F[K]> } & {
  [K in keyof F as F[K]['required'] extends true ? never : K]?: FieldType<F[K]>;
};
type FieldType<F> = F extends Field<infer T> ? T : never;

export const required = <T>(param: Param<T>) => ({ param, required: true as const });
export const optional = <T>(param: Param<T>) => ({ param, required: false as const });

const ok = <T>(value: T) => ({ ok: true as const, value });
const fail = (error: ApiError) => ({ ok: false as const, error });
const wrongType = (path: string, type: string) => fail(errors.invalidParameter(path, type));

interface StringRules {
  /** The documented values; anything else is InvalidParameterValue. */
  values?: readonly string[];
  /** A documented format, with what it says in both languages. */
  pattern?: { test: RegExp; rule: Message };
}

export function string(rules: StringRules = {}): Param<string> {
  return {
    type: 'String',
    check(value, path) {
      if (typeof value !== 'string') return wrongType(path, 'String');
      if (rules.values && !rules.values.includes(value)) {
        const one = rules.values.join(', ');
        return fail(
          errors.invalidParameterValue(path, { 'zh-CN': `取值应为 ${one} 之一`, 'en-US': `must be one of ${one}` }),
        );
      }
      if (rules.pattern && !rules.pattern.test.test(value))
        return fail(errors.invalidParameterValue(path, rules.pattern.rule));
      return ok(value);
    },
  };
}

export function integer(range: { min?: number; max?: number } = {}): Param<number> {
  return {
    type: 'Integer',
    check(value, path) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return wrongType(path, 'Integer');
      const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
      if (value < min || value > max) {
        const rule = { 'zh-CN': `取值范围为 ${min} 到 ${max}`, 'en-US': `must be between ${min} and ${max}` };
        return fail(errors.invalidParameterValue(path, rule));
      }
      return ok(value);
    },
  };
}

export function boolean(): Param<boolean> {
  return {
    type: 'Boolean',
    check: (value, path) => (typeof value === 'boolean' ? ok(value) : wrongType(path, 'Boolean')),
  };
}

export function array<T>(item: Param<T>): Param<T[]> {
  return {
    type: `Array of ${item.type}`,
    check(value, path) {
      if (!Array.isArray(value)) return wrongType(path, `Array of ${item.type}`);
      const items: T[] = [];
      for (const [index, element] of value.entries()) {
        const checked = item.check(element, `${path}.${index}`);
        if (!checked.ok) return checked;
        items.push(checked.value);
      }
      return ok(items);
    },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A structure (the request itself, `Agent`, `UserInfo`, …): exactly these fields, names case-sensitive.
 * `refine` checks what depends on several fields once each has passed on its own.
 */
export function struct<F extends Fields>(
  type: string,
  fields: F,
  refine?: (value: Infer<F>, path: string) => ApiError | undefined,
): Param<Infer<F>> {
  return {
    type,
    check(value, path) {
      if (!isRecord(value)) return wrongType(path || 'body', type);
      const name = (key: string) => (path ? `${path}.${key}` : key);
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(fields, key)) return fail(errors.unknownParameter(name(key)));
      }
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(fields)) {
        const present = value[key];
        if (present === undefined || (field.required && present === '')) {
          if (field.required) return fail(errors.missingParameter(name(key)));
          continue;
        }
        const checked = field.param.check(present, name(key));
        if (!checked.ok) return checked;
        out[key] = checked.value;
      }
      const error = refine?.(out as Infer<F>, path);
      return error ? fail(error) : ok(out as Infer<F>);
    },
  };
}
