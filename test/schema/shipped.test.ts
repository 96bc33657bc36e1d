/**
 * The shipped copy in schema/ is what the zod definitions produce now: a schema changed in
 * src/ without regenerating the files fails here (and so in CI).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFor, jsonText, schemaFile, schemaIndex } from '../../src/schema/json-schema.js';
import { schemaCommands } from '../../src/schema/registry.js';
import { SCHEMA_DIR, validator } from './validate.js';

const REGENERATE = 'stale: run `npx tsc -p tsconfig.json && node scripts/write-schemas.mjs` and commit schema/';
const shipped = (file: string): string => readFileSync(join(SCHEMA_DIR, file), 'utf8');

describe('schema/ (the shipped JSON Schemas)', () => {
  it('has exactly index.json and one file per registered command', () => {
    const files = readdirSync(SCHEMA_DIR).sort();
    const expected = ['index.json', ...schemaCommands().map(schemaFile)].sort();
    expect(files, REGENERATE).toEqual(expected);
  });

  it('index.json is the index `dnarch schema` prints', () => {
    expect(shipped('index.json'), REGENERATE).toBe(jsonText(schemaIndex()));
  });

  for (const command of schemaCommands()) {
    it(`${schemaFile(command)} is what the zod definitions produce`, () => {
      expect(shipped(schemaFile(command)), `${schemaFile(command)} ${REGENERATE}`).toBe(jsonText(jsonSchemaFor(command)));
    });

    it(`${schemaFile(command)} is a draft 2020-12 schema that names itself and requires schemaVersion 1`, () => {
      const s = JSON.parse(shipped(schemaFile(command)));
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id).toBe(`urn:dnarch:schema:1:${command}`);
      expect(typeof s.title).toBe('string');
      expect(s.description).toContain(`dnarch ${command} --format json`);
      expect(s.type).toBe('object');
      expect(s.required).toContain('schemaVersion');
      expect(s.properties.schemaVersion.const).toBe(1);
      // The top-level object is closed: an unpublished field is an error, not silently allowed.
      expect(s.additionalProperties).toBe(false);
      // ajv in strict mode compiles it: no unknown keywords, every $ref resolves.
      expect(typeof validator(command)).toBe('function');
    });
  }

  it('an unknown command has no schema', () => {
    expect(jsonSchemaFor('nope')).toBeUndefined();
    expect(jsonSchemaFor('toString')).toBeUndefined();
  });
});
