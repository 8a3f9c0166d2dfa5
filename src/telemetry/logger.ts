/**
 * The service's logger: pino, JSON lines in production and pretty ones in
 * development. Every line's fields pass through the shared masking in
 * redact.ts, so a field named like personal data or a secret never leaves
 * the process in clear.
 */
import type { YogaLogger } from 'graphql-yoga';
import { type DestinationStream, type Logger, pino } from 'pino';
import { redact } from './redact.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type { Logger };

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; JSON lines on standard output when absent. */
  destination?: DestinationStream | undefined;
}

/**
 * Masks a line's fields. `err` is left to its serializer below, which masks
 * it once it is a plain object: masking walks own fields, and an Error's
 * message and stack are not.
 */
function maskFields(fields: Record<string, unknown>): Record<string, unknown> {
  if (fields.err === undefined) return redact(fields);
  const { err, ...rest } = fields;
  return { ...redact(rest), err };
}

const maskError = (error: Error) => redact(pino.stdSerializers.err(error));

export function createLogger(options: LoggerOptions): Logger {
  const settings = { level: options.level, formatters: { log: maskFields }, serializers: { err: maskError } };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/**
 * Human-readable lines for development, from pino-pretty: a development dependency, so an install without them
 * (a production image) writes JSON lines instead.
 */
async function prettyDestination(): Promise<DestinationStream | undefined> {
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({ sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

/**
 * How the service picks its logger: one given (tests pass a pino instance writing where they can read it), none
 * at all for `false`, or the one the configuration describes: JSON lines in production, pretty ones otherwise.
 */
export async function loggerFor(
  config: { logLevel: LogLevel; production: boolean },
  given?: Logger | boolean,
): Promise<Logger> {
  if (typeof given === 'object') return given;
  if (given === false) return createLogger({ level: 'silent' });
  return createLogger({
    level: config.logLevel,
    destination: config.production ? undefined : await prettyDestination(),
  });
}

/** yoga's logger interface over pino: an Error argument becomes `err`, other non-text arguments `details`. */
export function yogaLoggerFor(logger: Logger): YogaLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      const err = args.find((arg) => arg instanceof Error);
      const text = args.filter((arg) => typeof arg === 'string').join(' ');
      const details = args.filter((arg) => arg !== err && typeof arg !== 'string');
      logger[level]({ ...(err ? { err } : {}), ...(details.length > 0 ? { details } : {}) }, text);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
