/**
 * Validates documents against the PUBLISHED JSON Schema files in schema/ (the copy users get),
 * with an independent validator (ajv, draft 2020-12), not with the zod definitions they came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import { ROOT } from '../cli/run.js';

export const SCHEMA_DIR = join(ROOT, 'schema');

export const readSchema = (command: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SCHEMA_DIR, `${command}.schema.json`), 'utf8'));

// A CommonJS module: its class is the default export under Node, or .default of it under some loaders.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: typeof Ajv2020Module }).default ?? Ajv2020Module) as typeof Ajv2020Module;

const compiled = new Map<string, ValidateFunction>();

/** strict: ajv rejects unknown keywords, so a schema zod got wrong does not pass by being ignored. Union types (["number", "string", "null"]) are plain JSON Schema. */
export function validator(command: string): ValidateFunction {
  let v = compiled.get(command);
  if (!v) {
    v = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(readSchema(command));
    compiled.set(command, v);
  }
  return v;
}

/** null when valid; else ajv's errors, short, for the assertion message. */
export function schemaErrors(command: string, doc: unknown): string | null {
  const v = validator(command);
  if (v(doc)) return null;
  return (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}
