#!/usr/bin/env node
/**
 * Writes the shipped JSON Schemas, schema/<command>.schema.json and schema/index.json, from
 * the zod definitions in the build (dist/schema/). Run after tsc (npm run build). Files of
 * commands no longer registered are removed, so the folder is exactly what `dnarch schema`
 * prints; test/schema/shipped.test.ts fails when the committed copy is stale.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { jsonSchemaFor, jsonText, schemaFile, schemaIndex } = await import(join(root, 'dist/schema/json-schema.js'));

const dir = join(root, 'schema');
mkdirSync(dir, { recursive: true });
const index = schemaIndex();
const wanted = new Set(['index.json']);
for (const { command } of index.schemas) {
  const file = schemaFile(command);
  wanted.add(file);
  writeFileSync(join(dir, file), jsonText(jsonSchemaFor(command)));
}
writeFileSync(join(dir, 'index.json'), jsonText(index));
for (const f of readdirSync(dir)) if (f.endsWith('.json') && !wanted.has(f)) rmSync(join(dir, f));
console.log(`schema/: ${index.schemas.map((s) => s.command).join(', ')}`);
