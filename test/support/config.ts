/** Test helpers: the message of the ConfigError that loading `env` must throw, and homes with a profile file. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { EMPTY_HOME } from './service.js';

export function configError(env: NodeJS.ProcessEnv, home = EMPTY_HOME): string {
  try {
    loadConfig(env, home);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** A home directory whose `~/.tencentcloud/credentials` holds `text`. */
export function homeWithProfile(text: string): string {
  const home = mkdtempSync(join(tmpdir(), 'esign-profile-'));
  mkdirSync(join(home, '.tencentcloud'));
  writeFileSync(join(home, '.tencentcloud', 'credentials'), text);
  return home;
}
