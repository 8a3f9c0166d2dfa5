/** Test helper: a real pino logger whose JSON lines the test can read back. */
import { createLogger, type Logger, type LogLevel } from '../../src/telemetry/logger.js';

export interface CapturedLog {
  logger: Logger;
  /** Everything written so far, as written. */
  text(): string;
  /** Every line, parsed. */
  records(): Record<string, unknown>[];
  /** The parsed lines whose message is `msg`. */
  linesWith(msg: string): Record<string, unknown>[];
  clear(): void;
}

export function capturedLog(level: LogLevel = 'info'): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => void lines.push(line) },
  });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logger,
    text: () => lines.join(''),
    records,
    linesWith: (msg) => records().filter((record) => record.msg === msg),
    clear: () => void lines.splice(0),
  };
}
