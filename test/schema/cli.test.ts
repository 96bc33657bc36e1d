/** `dnarch schema [command]` from the built CLI: the same documents as the shipped files. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dnarch, expectUsageError, ok, TIMEOUT } from '../cli/run.js';
import { SCHEMA_DIR } from './validate.js';

const shipped = (file: string): string => readFileSync(join(SCHEMA_DIR, file), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'dnarch-schema-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Commands whose --help offers `--format ... json`, read from the CLI itself. */
function commandsWithJson(): string[] {
  const help = ok(['--help']);
  const names = [...help.matchAll(/^ {2}([a-z][\w-]*)(?:\|\w+)?\b/gm)].map((m) => m[1]).filter((n) => n !== 'help');
  expect(names).toContain('summarize');
  // The choices may wrap onto following lines: read up to the next option.
  return names.filter((n) => /--format <fmt>(?:(?!\n {2}-)[\s\S])*"json"/.test(ok([n, '--help'])));
}

describe('dnarch schema', () => {
  it('with no command prints the index, as schema/index.json', { timeout: TIMEOUT }, () => {
    const out = ok(['schema']);
    expect(out).toBe(shipped('index.json'));
    const index = JSON.parse(out);
    expect(index.schemaVersion).toBe(1);
    for (const s of index.schemas) expect(readFileSync(join(SCHEMA_DIR, '..', s.file), 'utf8')).not.toBe('');
  });

  it('every command with --format json has a schema', { timeout: 4 * TIMEOUT }, () => {
    const listed = JSON.parse(ok(['schema'])).schemas.map((s: { command: string }) => s.command);
    const withJson = commandsWithJson();
    expect(withJson).toEqual(expect.arrayContaining(['summarize', 'list', 'compare']));
    // Both ways: no JSON output without a schema, no schema for a command that prints no JSON.
    expect([...listed].sort()).toEqual([...withJson].sort());
  });

  for (const command of ['summarize', 'list', 'compare', 'savings']) {
    it(`dnarch schema ${command} prints schema/${command}.schema.json`, { timeout: TIMEOUT }, () => {
      const out = ok(['schema', command]);
      expect(out).toBe(shipped(`${command}.schema.json`));
      expect(JSON.parse(out).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    });
  }

  it('--out writes the schema to a file and prints nothing', { timeout: TIMEOUT }, () => {
    const file = join(tmp, 'summarize.schema.json');
    expect(ok(['schema', 'summarize', '--out', file])).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(shipped('summarize.schema.json'));
  });

  it('an unknown command: exit 2, one line naming it and the known ones', { timeout: TIMEOUT }, () => {
    const line = expectUsageError(dnarch(['schema', 'sumarize']), ['sumarize', 'summarize', 'compare', 'list']);
    expect(line).toMatch(/^dnarch: /);
  });
});
