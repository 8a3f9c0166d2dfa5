/** The one error start-up stops with: a complete, one-line message naming what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
