/**
 * Profile files read as the official Node SDK reads them: the INI dialect checked against the `ini` package the SDK
 * itself loads, and whole files against the SDK's own ProfileCredential.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileCredential } from 'tencentcloud-sdk-nodejs/tencentcloud/common/credential.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseIni } from '../../../src/tencent/credentials/ini.js';
import { fromEnvironment, fromProfileFiles, profileFiles } from '../../../src/tencent/credentials/local.js';

/** The very `ini` module the SDK requires, whatever else is installed. */
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('tencentcloud-sdk-nodejs'));
const ini = sdkRequire('ini') as { decode(text: string): Record<string, unknown> };

const QUIRKS = [
  '[default]\nsecret_id = AKIDplain\nsecret_key = plain-key\n',
  '[default]\nsecret_id = "AKIDquoted"\nsecret_key = \'single-quoted\'\n',
  '[default]\nsecret_id = AKIDcomment ; a comment\nsecret_key = key # another\ntoken = a\\;b\\#c\n',
  '[default]\r\nsecret_id = AKIDcrlf\r\nsecret_key = crlf-key\r\n',
  '[default] \nsecret_id = AKIDtrailing-space-header\nsecret_key = k\n',
  '  [default]\nsecret_id = AKIDindented-header\nsecret_key = k\n',
  '\uFEFF[default]\nsecret_id = AKIDbom\nsecret_key = k\n',
  '[default]\nsecret_id = first\nsecret_id = second\nsecret_key = k==\n',
  '[default]\nsecret_id\nsecret_key = true\ntoken = null\n',
  '[default]\nsecret_id = "broken \\q json"\nsecret_key = "\\u00e9t\\u00e9"\n',
  "[default]\nsecret_id[] = a\nsecret_id[] = b\nsecret_key = '123'\n",
  '[__proto__]\nsecret_id = polluted\n[default]\n  ; indented comment\n# hash comment\nsecret_id = 密钥\nsecret_key = k\n',
  'secret_id = top-level\n[other]\nsecret_id = other\n',
  '[default]\n=novalue\n = spaced\nsecret_key=  padded  \n',
];

/** A document of random lines drawn from the characters the dialect treats specially. */
function randomDocument(seed: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pieces = [
    '[default]',
    '[other]',
    'secret_id',
    'secret_key',
    'token',
    ' = ',
    '=',
    '"',
    "'",
    ';',
    '#',
    '\\',
    ' ',
    'AKID',
    'x',
    '[]',
    'true',
    '\t',
  ];
  const lines = Array.from({ length: 1 + Math.floor(next() * 8) }, () =>
    Array.from({ length: 1 + Math.floor(next() * 6) }, () => pieces[Math.floor(next() * pieces.length)]).join(''),
  );
  return lines.join(next() < 0.2 ? '\r\n' : '\n');
}

const defaultOf = (text: string) => Object.fromEntries(parseIni(text).get('default') ?? []);

describe('the INI dialect', () => {
  it.each(QUIRKS.map((text) => [JSON.stringify(text), text]))(
    'reads %s as the SDK’s ini package does',
    (_name, text) => {
      expect(defaultOf(text)).toEqual({ ...(ini.decode(text).default as object | undefined) });
    },
  );

  it('agrees with the SDK’s ini package on 2,000 random documents', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const text = randomDocument(seed);
      expect(defaultOf(text), text).toEqual({ ...(ini.decode(text).default as object | undefined) });
    }
  });
});

function dirWith(file: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'esign-profile-'));
  if (file !== undefined) {
    mkdirSync(join(dir, '.tencentcloud'));
    writeFileSync(join(dir, '.tencentcloud', 'credentials'), file);
  }
  return dir;
}

describe('profile files', () => {
  const home = process.env.HOME;
  afterEach(() => {
    process.env.HOME = home;
  });

  /** What the official SDK reads from `~/.tencentcloud/credentials` in this home (empty strings when nothing). */
  async function sdkReads(homeDir: string) {
    process.env.HOME = homeDir;
    const { secretId, secretKey, token } = await new ProfileCredential().getCredential();
    return { secretId, secretKey, token };
  }

  it.each(QUIRKS.map((text) => [JSON.stringify(text), text]))(
    'reads %s as the SDK’s ProfileCredential',
    async (_name, text) => {
      const dir = dirWith(text);
      const ours = fromProfileFiles(profileFiles(dir, join(dir, 'no-system-file')));
      const sdk = await sdkReads(dir);
      // The SDK signs with whatever truthy value it found (even `true` or a number); the layer takes only strings.
      const usable = typeof sdk.secretId === 'string' && sdk.secretId !== '' && typeof sdk.secretKey === 'string';
      if (!usable) {
        expect(ours.found).toBeUndefined();
        return;
      }
      expect(ours.found?.credentials).toEqual(sdk.token ? sdk : { secretId: sdk.secretId, secretKey: sdk.secretKey });
    },
  );

  it('falls back to the system-wide file when the home directory has none', () => {
    const system = join(
      dirWith('[default]\nsecret_id = AKIDSYSTEM\nsecret_key = system-key\n'),
      '.tencentcloud',
      'credentials',
    );
    expect(fromProfileFiles(profileFiles(dirWith(undefined), system)).found).toEqual({
      credentials: { secretId: 'AKIDSYSTEM', secretKey: 'system-key' },
      path: system,
    });
  });

  it('does not read the system-wide file when the home directory’s exists, even without credentials (as the SDKs)', () => {
    const system = join(
      dirWith('[default]\nsecret_id = AKIDSYSTEM\nsecret_key = system-key\n'),
      '.tencentcloud',
      'credentials',
    );
    const home = dirWith('[other]\nsecret_id = AKIDOTHER\nsecret_key = other\n');
    const read = fromProfileFiles(profileFiles(home, system));
    expect(read.found).toBeUndefined();
    expect(read.note).toBe(
      `${join(home, '.tencentcloud', 'credentials')} has no secret_id and secret_key in its [default] section`,
    );
  });

  it('says so when a file exists but cannot be read', () => {
    const dir = dirWith(undefined);
    mkdirSync(join(dir, '.tencentcloud', 'credentials'), { recursive: true });
    expect(fromProfileFiles(profileFiles(dir, '/nonexistent')).note).toMatch(/could not be read \(EISDIR\)/);
  });
});

describe('the environment', () => {
  it('takes the pair and the token', () => {
    expect(fromEnvironment({ secretId: 'AKIDENV', secretKey: 'k', token: 't' })).toEqual({
      found: { secretId: 'AKIDENV', secretKey: 'k', token: 't' },
    });
  });

  it('passes, saying why, when only one of the pair is set', () => {
    expect(fromEnvironment({ secretId: 'AKIDENV' })).toEqual({
      note: 'TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not',
    });
    expect(fromEnvironment({ secretKey: 'k', token: 't' })).toEqual({
      note: 'TENCENTCLOUD_SECRET_KEY is set but TENCENTCLOUD_SECRET_ID is not',
    });
  });
});
