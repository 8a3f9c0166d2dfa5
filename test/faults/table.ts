/**
 * The fault suite's table, as the attack suite keeps its own: each fault is a row saying what must hold, and its
 * test gives the figures it measured. With `FAULT_TABLE=<file>` the table is written there:
 * `FAULT_TABLE=faults.md npx vitest run test/faults`.
 */
import { it } from 'vitest';
import { cell, resultTable } from '../support/result-table.js';
import type { Figures } from './callers.js';

function answers(byTypename: Record<string, number>): string {
  return Object.entries(byTypename)
    .sort(([, a], [, b]) => b - a)
    .map(([typename, count]) => `${typename} ${count}`)
    .join(', ');
}

const record = resultTable<{ fault: string; expected: string }, Figures>({
  variable: 'FAULT_TABLE',
  noun: 'faults',
  columns: [
    'fault',
    'must hold',
    'callers',
    'answers',
    'max answer: callers / service, deadline (ms)',
    'reached upstream',
    '"not sent" yet arrived',
    'observed',
  ],
  cells: (row, outcome) => {
    const f = outcome.held ? outcome.value : undefined;
    const figures = f
      ? [
          f.callers,
          answers(f.byTypename),
          `${f.maxAnswerMs} / ${f.layerMaxMs ?? '–'}, ${f.deadlineMs}`,
          f.reachedUpstream,
          f.notSentYetArrived,
        ]
      : ['', '', '', '', ''];
    const observed = outcome.held ? (f?.notes ?? 'held') : outcome.failure;
    return [cell(row.fault), cell(row.expected), ...figures, cell(observed)];
  },
});

/**
 * One test: `run` drives the fault, asserts what must hold, and answers its figures. `timeout`: the test's, for
 * rows that wait out deadlines and cool-downs.
 */
export function fault(name: string, expected: string, run: () => Promise<Figures>, timeout?: number): void {
  it(`${name} → ${expected}`, () => record({ fault: name, expected }, run), timeout);
}
