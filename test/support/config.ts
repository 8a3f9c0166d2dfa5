/** Test helper: the message of the ConfigError that loading `env` must throw. */
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
