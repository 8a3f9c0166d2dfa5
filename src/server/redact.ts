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
const MASKS = new Map<string, (value: string) => string>([
  ...['idcardnumber', 'idnumber'].map((key) => [key, maskIdNumber] as const),
  ...['name', 'username', 'fullname'].map((key) => [key, maskName] as const),
  ...['secretkey', 'secretid', 'token', 'sessiontoken', 'authorization', 'xtctoken', 'apikey', 'xapikey', 'password', 'cookie'].map(
    (key) => [key, () => SECRET_PLACEHOLDER] as const,
  ),
]);

/** How to mask the value of a field called `key`, if it holds personal data or a secret. */
export function maskFor(key: string): ((value: string) => string) | undefined {
  return MASKS.get(normalise(key));
}

/** A copy of `value` with every sensitive field masked, at any depth; cycles are cut. */
export function redact<T>(value: T): T {
  const seen = new WeakSet<object>();
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (seen.has(node)) return '[circular]';
    seen.add(node);
    if (Array.isArray(node)) return node.map(walk);
    return Object.fromEntries(
      Object.entries(node).map(([key, field]) => {
        const mask = maskFor(key);
        if (mask && typeof field === 'string') return [key, mask(field)];
        if (mask && field !== null && typeof field === 'object' && normalise(key) !== 'name') return [key, SECRET_PLACEHOLDER];
        return [key, walk(field)];
      }),
    );
  };
  return walk(value) as T;
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
