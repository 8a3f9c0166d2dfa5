/**
 * The one place that decides what personal data and secrets look like when
 * they leave the process in a log line or an error: ID numbers keep their
 * first and last two characters, names their first, secrets nothing.
 */

/** `610000000000000000` → `61**************00`; short values are masked whole. */
export function maskIdNumber(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/** `小明` → `小*`; counts characters, not UTF-16 units. */
export function maskName(value: string): string {
  const chars = [...value];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

export const SECRET_PLACEHOLDER = '[redacted]';

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** Field names (any case, with or without `-`/`_`) and how each is masked. */
type Mask = (value: string) => string;

const MASKS = new Map<string, Mask>([
  ...['idcardnumber', 'idnumber'].map((key) => [key, maskIdNumber] as const),
  ...['name', 'username', 'fullname'].map((key) => [key, maskName] as const),
  ...[
    'secretkey',
    'secretid',
    'token',
    'sessiontoken',
    'authorization',
    'xtctoken',
    'apikey',
    'xapikey',
    'password',
    'cookie',
  ].map((key) => [key, () => SECRET_PLACEHOLDER] as const),
]);

/**
 * The decision for each field name seen, so the names of every log line are not normalised again (a request logs
 * two lines). Bounded: names are few in practice, and past the bound each is simply decided afresh.
 */
const decided = new Map<string, Mask | null>();
const MAX_DECIDED = 1_000;

/** How to mask the value of a field called `key`, if it holds personal data or a secret. */
export function maskFor(key: string): Mask | undefined {
  let mask = decided.get(key);
  if (mask === undefined) {
    mask = MASKS.get(normalise(key)) ?? null;
    if (decided.size < MAX_DECIDED) decided.set(key, mask);
  }
  return mask ?? undefined;
}

function masked(key: string, field: unknown, seen: WeakSet<object>): unknown {
  const mask = maskFor(key);
  if (mask && typeof field === 'string') return mask(field);
  if (mask && field !== null && typeof field === 'object' && normalise(key) !== 'name') return SECRET_PLACEHOLDER;
  return walk(field, seen);
}

/** Defined, not assigned: a field named `__proto__` stays a field instead of replacing the copy's prototype. */
function define(copy: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
}

function walk(node: unknown, seen: WeakSet<object>): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (seen.has(node)) return '[circular]';
  seen.add(node);
  if (Array.isArray(node)) {
    // Like objects, copied only when an item changes: a line's list of mutations has nothing to mask.
    const items = node.map((item) => walk(item, seen));
    return items.some((item, index) => item !== node[index]) ? items : node;
  }
  const fields = node as Record<string, unknown>;
  const keys = Object.keys(fields);
  // Copied only from the first field that changes: a log line with nothing to mask costs no copy.
  let copy: Record<string, unknown> | undefined;
  for (const [index, key] of keys.entries()) {
    const value = masked(key, fields[key], seen);
    if (copy === undefined && value !== fields[key]) {
      copy = {};
      for (const earlier of keys.slice(0, index)) define(copy, earlier, fields[earlier]);
    }
    if (copy !== undefined) define(copy, key, value);
  }
  return copy ?? node;
}

/** `value` with every sensitive field masked, at any depth, in a copy where any is; cycles are cut. */
export function redact<T>(value: T): T {
  return walk(value, new WeakSet()) as T;
}

/**
 * GraphQL's own error messages repeat the offending input, for a missing
 * field the whole input object with its names and ID numbers; these keep
 * what was wrong and where, and drop the value.
 */
const ECHOED_VALUES: [RegExp, string][] = [
  [/ got invalid value .*?(?= at "[^"]*"; |; )/s, ' got an invalid value'],
  [/(cannot represent [^:]*value): .*$/s, '$1.'],
  [/\bValue .* (does not exist in "\w+" enum)/s, 'The value $1'],
  [/(Expected value of type "[^"]+"), found .*?(?=; |\.$)/s, '$1'],
  [/^(Syntax Error: .*?\b(?:String|BlockString|Int|Float)) ".*"/s, '$1'],
];

/** Real messages without a value are far shorter; a longer one holds a long value, and the patterns above would take
 * time growing with the square of its length to scrub it, so it is replaced whole. */
const MAX_SCRUBBED_LENGTH = 2_000;

export const LONG_VALUE_MESSAGE = 'The request holds an invalid value too long to repeat here.';

export function withoutEchoedValues(message: string): string {
  if (message.length > MAX_SCRUBBED_LENGTH) return LONG_VALUE_MESSAGE;
  return ECHOED_VALUES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}
