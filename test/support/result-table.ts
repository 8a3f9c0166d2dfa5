/**
 * A suite's table of results, as the attack and fault suites keep theirs: each test records a row with what it
 * measured (or why it did not hold), and with `<variable>=<file>` set the markdown table is written there after the
 * suite, with a count of the rows that held.
 */
import { writeFileSync } from 'node:fs';
import { afterAll } from 'vitest';

/** What one row's test came to: what it measured, or the first line of its failure. */
export type RowOutcome<T> = { held: true; value: T } | { held: false; failure: string };

export interface ResultTableOptions<Row, T> {
  /** The environment variable naming the file to write, e.g. `ATTACK_TABLE`. */
  variable: string;
  /** What a row is, for the count: `attacks`, `faults`. */
  noun: string;
  columns: readonly string[];
  /** The row's cells after its number, already escaped with {@link cell} where they hold free text. */
  cells: (row: Row, outcome: RowOutcome<T>) => readonly (string | number)[];
}

/** Text made safe for a table cell. */
export const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Answers `record`: runs one row's test, keeps its outcome for the table, and rethrows its failure. */
export function resultTable<Row, T>(
  options: ResultTableOptions<Row, T>,
): (row: Row, run: () => Promise<T>) => Promise<void> {
  const rows: { row: Row; outcome: RowOutcome<T> }[] = [];
  afterAll(() => {
    const file = process.env[options.variable];
    if (!file) return;
    const held = rows.filter(({ outcome }) => outcome.held).length;
    const lines = [
      `| # | ${options.columns.join(' | ')} |`,
      `| ${['#', ...options.columns].map(() => '---').join(' | ')} |`,
      ...rows.map(({ row, outcome }, i) => `| ${[i + 1, ...options.cells(row, outcome)].join(' | ')} |`),
      '',
      `${rows.length} ${options.noun}, ${held} held.`,
      '',
    ];
    writeFileSync(file, lines.join('\n'));
  });
  return async (row, run) => {
    const kept: { row: Row; outcome: RowOutcome<T> } = { row, outcome: { held: false, failure: 'not run' } };
    rows.push(kept);
    try {
      kept.outcome = { held: true, value: await run() };
    } catch (error) {
      kept.outcome = { held: false, failure: `did not hold: ${(error as Error).message.split('\n')[0]}` };
      throw error;
    }
  };
}
