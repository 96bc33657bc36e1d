/**
 * Text quoted from a file (or a path) never breaks the one error line, and never reaches a
 * terminal raw: C0 and C1 controls, DEL, line and paragraph separators, bidi overrides and
 * isolates are escaped, in the error line and in the tables.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printable, printableLine } from '../../src/errors.js';
import { dnarch, TIMEOUT } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'dnarch-messages-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

describe('printable', () => {
  it('escapes what a terminal would act on, by name or code point, and nothing else', () => {
    expect(printable('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(printable('\u0000\u001b[31m\u007f\u0085\u009b')).toBe('\\u0000\\u001b[31m\\u007f\\u0085\\u009b');
    expect(printable('\u2028\u2029\u202a\u202e\u2066\u2069\u200e\u200f\u061c')).toBe('\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069\\u200e\\u200f\\u061c');
    expect(printable('ünïcødé 日本 ✓ "quotes" \\')).toBe('ünïcødé 日本 ✓ "quotes" \\');
  });

  it('printableLine cuts an overlong message after 2,000 characters, saying how much is left', () => {
    const line = printableLine('x'.repeat(2500));
    expect(line).toBe(`${'x'.repeat(2000)}... (500 more characters)`);
  });
});

describe('the CLI', () => {
  const seq = (layers: unknown[]) => JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 8, 8, 3] } }, ...layers] } });

  it('a path with a newline and a bidi override: one error line, escaped', () => {
    const r = dnarch(['summarize', join(tmp, 'no\nsuch\u202efile.json')]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('no\\nsuch\\u202efile.json');
    expect(lines[0]).not.toMatch(RAW);
  }, TIMEOUT);

  it('class names with a newline, an escape sequence and a right-to-left override: one row each in the table, escaped', () => {
    const file = join(tmp, 'classes.json');
    writeFileSync(file, seq([{ class_name: 'Foo\nBar', config: { name: 'a' } }, { class_name: 'esc\u001b[2Jrlo\u202egpj.exe', config: { name: 'b' } }]));
    const r = dnarch(['summarize', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('│'));
    expect(rows).toHaveLength(4); // the header, the input, a, b
    expect(rows[2]).toContain('Foo\\nBar (unsupported)');
    expect(rows[3]).toContain('esc\\u001b[2Jrlo\\u202egpj.exe (unsupported)');
    const md = dnarch(['summarize', file, '--format', 'markdown']);
    expect(md.stdout).not.toMatch(RAW);
    expect(md.stdout.split('\n').filter((l) => l.startsWith('| a |'))).toEqual([expect.stringContaining('| Foo\\nBar (unsupported) |')]);
    // JSON keeps the name as it is (JSON escapes it itself).
    const json = JSON.parse(dnarch(['summarize', file, '--format', 'json']).stdout) as { layers: { className: string }[] };
    expect(json.layers.map((l) => l.className)).toEqual(['InputLayer', 'Foo\nBar', 'esc\u001b[2Jrlo\u202egpj.exe']);
  }, TIMEOUT);

  it('a layer name with a newline that tfjs refuses: one line, the name escaped', () => {
    const file = join(tmp, 'name.json');
    writeFileSync(file, seq([{ class_name: 'Conv2D', config: { name: 'x\ny\u2028z', filters: 2, kernel_size: 3 } }]));
    const r = dnarch(['summarize', file]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dnarch: .*layer "x\\ny\\u2028z" \(Conv2D\)/);
    expect(lines[0]).not.toMatch(RAW);
  }, TIMEOUT);
});
