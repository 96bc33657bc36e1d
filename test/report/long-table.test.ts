/**
 * renderLongTable draws a long table as chunks of cli-table3 tables: the text must be the
 * one cli-table3 draws for the whole table at once (the reference here), whatever the rows
 * hold: colour codes, wide characters, empty cells, a widest cell in any chunk.
 */
import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { renderLongTable } from '../../src/report/long-table.js';

const options = () => ({
  head: ['\x1b[1mLayer\x1b[22m', 'Type', 'Output', 'Share'],
  colAligns: ['left', 'left', 'right', 'left'] as ('left' | 'right')[],
  style: { head: [], border: [], compact: true },
});

function oneTable(rows: string[][]): string {
  const t = new Table(options());
  t.push(...rows);
  return t.toString();
}

const row = (i: number): string[] => [
  i === 417 ? 'a_much_longer_layer_name_in_the_middle_of_a_chunk' : `layer_${i}`,
  i % 7 === 0 ? '\x1b[33mConv2D (unsupported)\x1b[39m' : 'Dense',
  i % 5 === 0 ? '' : `${i}x${i % 13}`,
  i % 11 === 0 ? '層の名前 ████▌' : `${(i % 100) / 10}%`,
];

describe('renderLongTable', () => {
  it.each([1, 31, 32, 33, 64, 65, 600])('gives the text of one cli-table3 table for %i rows', (n) => {
    const rows = Array.from({ length: n }, (_, i) => row(i));
    expect(renderLongTable(options(), rows)).toBe(oneTable(rows));
  });
});
