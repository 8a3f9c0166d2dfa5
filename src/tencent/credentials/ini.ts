/**
 * The INI dialect of Tencent's profile files, read as the official Node SDK reads them (it uses the `ini` package,
 * version 2): `"quoted"` values lose their quotes (JSON string rules), `;` or `#` starts a comment anywhere in an
 * unquoted value unless escaped with `\`, `true`/`false`/`null` are not strings, a key without `=` is `true`, and
 * `key[]` collects an array. A section header must fill its line exactly: `[default] ` is not one.
 */

/** What a value becomes: a string, or what JSON or the package's keywords make of it. */
export type IniValue = string | number | boolean | null | object;
export type IniSection = Map<string, IniValue>;

const SECTION = /^\[([^\]]*)\]$/;
const ENTRY = /^([^=]+)(=(.*))?$/;

const isQuoted = (value: string): boolean =>
  (value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"));

/**
 * A name or value as written: a quoted one parsed as JSON (a single-quoted one may so become a number or an object),
 * an unquoted one cut at its comment with `\;`, `\#` unescaped.
 */
function unquote(raw: string): IniValue {
  let value = raw.trim();
  if (isQuoted(value)) {
    if (value.startsWith("'")) value = value.slice(1, -1);
    try {
      return JSON.parse(value) as IniValue;
    } catch {
      return value;
    }
  }
  let out = '';
  let escaped = false;
  for (const char of value) {
    if (escaped) {
      out += '\\;#'.includes(char) ? char : `\\${char}`;
      escaped = false;
    } else if (char === ';' || char === '#') {
      break;
    } else if (char === '\\') {
      escaped = true;
    } else {
      out += char;
    }
  }
  if (escaped) out += '\\';
  return out.trim();
}

function typed(value: IniValue): IniValue {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null') return null;
  return value;
}

/** Section name → key → value; keys before the first section are under `''`. */
export function parseIni(text: string): Map<string, IniSection> {
  const sections = new Map<string, IniSection>([['', new Map()]]);
  let section = sections.get('')!;
  for (const line of text.split(/[\r\n]+/)) {
    if (line === '' || /^\s*[;#]/.test(line)) continue;
    const header = SECTION.exec(line);
    if (header) {
      const name = String(unquote(header[1]!));
      // `__proto__` is parsed but kept nowhere, as the package does.
      section = name === '__proto__' ? new Map() : (sections.get(name) ?? new Map());
      if (name !== '__proto__') sections.set(name, section);
      continue;
    }
    const entry = ENTRY.exec(line);
    if (!entry) continue;
    const rawKey = String(unquote(entry[1]!));
    const isArray = rawKey.length > 2 && rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    if (key === '__proto__') continue;
    const value = entry[2] === undefined ? true : typed(unquote(entry[3]!));
    const existing = section.get(key);
    if (isArray && !Array.isArray(existing)) section.set(key, existing === undefined ? [] : [existing]);
    const list = section.get(key);
    if (Array.isArray(list)) list.push(value);
    else section.set(key, value);
  }
  return sections;
}
