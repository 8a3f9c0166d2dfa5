/**
 * The attack suite's table: each attack is a row saying what it tries and what must happen, and its test says what
 * was observed. With `ATTACK_TABLE=<file>` the table (attack → expected → observed, with a count) is written there:
 * `ATTACK_TABLE=attacks.md npx vitest run test/security`.
 */
import { describe, it } from 'vitest';
import { cell, resultTable } from '../support/result-table.js';

export interface Attack {
  /** What the attacker tries. */
  attack: string;
  /** What must happen. */
  expected: string;
  /** Tries it, asserts what must happen, and answers what was observed (statuses, codes, counts). */
  run: () => Promise<string>;
}

const record = resultTable<{ group: string } & Omit<Attack, 'run'>, string>({
  variable: 'ATTACK_TABLE',
  noun: 'attacks',
  columns: ['group', 'attack', 'expected', 'observed'],
  cells: (row, outcome) => [
    row.group,
    cell(row.attack),
    cell(row.expected),
    cell(outcome.held ? outcome.value : outcome.failure),
  ],
});

/** One `describe` of attacks, one test each. */
export function attacks(group: string, list: Attack[]): void {
  describe(group, () => {
    it.each(list)('$attack → $expected', ({ attack, expected, run }) => record({ group, attack, expected }, run));
  });
}
