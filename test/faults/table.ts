/**
 * The fault suite's table, as the attack suite keeps its own: each fault is a row saying what must hold, and its
 * test gives the figures it measured. With `FAULT_TABLE=<file>` the table is written there:
 * `FAULT_TABLE=faults.md npx vitest run test/faults`.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, it } from 'vitest';
import type { Figures } from './callers.js';

interface Row {
  fault: string;
  expected: string;
  figures: Figures | undefined;
  failure: string | undefined;
}

const rows: Row[] = [];

/**
 * One test: `run` drives the fault, asserts what must hold, and answers its figures. `timeout`: the test's, for
 * rows that wait out deadlines and cool-downs.
 */
export function fault(name: string, expected: string, run: () => Promise<Figures>, timeout?: number): void {
  it(
    `${name} → ${expected}`,
    async () => {
      const row: Row = { fault: name, expected, figures: undefined, failure: 'not run' };
      rows.push(row);
      try {
        row.figures = await run();
        row.failure = undefined;
      } catch (error) {
        row.failure = `did not hold: ${(error as Error).message.split('\n')[0]}`;
        throw error;
      }
    },
    timeout,
  );
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function answers(byTypename: Record<string, number>): string {
  return Object.entries(byTypename)
    .sort(([, a], [, b]) => b - a)
    .map(([typename, count]) => `${typename} ${count}`)
    .join(', ');
}

afterAll(() => {
  const file = process.env.FAULT_TABLE;
  if (!file) return;
  const held = rows.filter((row) => row.failure === undefined).length;
  const lines = [
    '| # | fault | must hold | callers | answers | max answer: callers / service, deadline (ms) | reached upstream | "not sent" yet arrived | observed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row, i) => {
      const f = row.figures;
      const figures = f
        ? [
            f.callers,
            answers(f.byTypename),
            `${f.maxAnswerMs} / ${f.layerMaxMs ?? '–'}, ${f.deadlineMs}`,
            f.reachedUpstream,
            f.notSentYetArrived,
          ]
        : ['', '', '', '', ''];
      const observed = row.failure ?? f?.notes ?? 'held';
      return `| ${i + 1} | ${cell(row.fault)} | ${cell(row.expected)} | ${figures.join(' | ')} | ${cell(observed)} |`;
    }),
    '',
    `${rows.length} faults, ${held} held.`,
    '',
  ];
  writeFileSync(file, lines.join('\n'));
});
