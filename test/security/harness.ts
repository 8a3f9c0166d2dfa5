/**
 * The attack suite's table: each attack is a row saying what it tries and what must happen, and its test says what
 * was observed. With `ATTACK_TABLE=<file>` the table (attack → expected → observed, with a count) is written there:
 * `ATTACK_TABLE=attacks.md npx vitest run test/security`.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, it } from 'vitest';

export interface Attack {
  /** What the attacker tries. */
  attack: string;
  /** What must happen. */
  expected: string;
  /** Tries it, asserts what must happen, and answers what was observed (statuses, codes, counts). */
  run: () => Promise<string>;
}

interface Row {
  group: string;
  attack: string;
  expected: string;
  observed: string;
  held: boolean;
}

const rows: Row[] = [];

/** One `describe` of attacks, one test each. */
export function attacks(group: string, list: Attack[]): void {
  describe(group, () => {
    it.each(list)('$attack → $expected', async ({ attack, expected, run }) => {
      const row: Row = { group, attack, expected, observed: 'not run', held: false };
      rows.push(row);
      try {
        row.observed = await run();
        row.held = true;
      } catch (error) {
        row.observed = `did not hold: ${(error as Error).message.split('\n')[0]}`;
        throw error;
      }
    });
  });
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

afterAll(() => {
  const file = process.env.ATTACK_TABLE;
  if (!file) return;
  const held = rows.filter((row) => row.held).length;
  const lines = [
    '| # | group | attack | expected | observed |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row, i) => `| ${i + 1} | ${row.group} | ${cell(row.attack)} | ${cell(row.expected)} | ${cell(row.observed)} |`,
    ),
    '',
    `${rows.length} attacks, ${held} held.`,
    '',
  ];
  writeFileSync(file, lines.join('\n'));
});
