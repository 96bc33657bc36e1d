/**
 * The published JSON Schemas (draft 2020-12), generated from the zod schemas in registry.ts
 * by zod's own converter, so the TypeScript types, the shipped schema/*.json files and
 * `dnarch schema` cannot disagree. Named parts (LayerReport, Totals, ...) become $defs.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from '../analysis/types.js';
import { OUTPUT_SCHEMAS, schemaCommands } from './registry.js';

/**
 * A URN, not a URL: nothing is served at an address; the files ship in the package's schema/
 * folder. The version in it is the documents' schemaVersion.
 */
export const schemaId = (command: string): string => `urn:dnarch:schema:${SCHEMA_VERSION}:${command}`;

/** File name of a command's schema in the package's schema/ folder. */
export const schemaFile = (command: string): string => `${command}.schema.json`;

/** The JSON Schema of `dnarch <command> --format json`; undefined for a command without one. */
export function jsonSchemaFor(command: string): Record<string, unknown> | undefined {
  if (!Object.hasOwn(OUTPUT_SCHEMAS, command)) return undefined;
  const { schema, title, description } = OUTPUT_SCHEMAS[command];
  const { $schema, ...body } = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $schema, $id: schemaId(command), title, description, ...inlineRoot(body) };
}

/**
 * A root schema that carries its own id (`.meta({ id })`) comes out of zod as a bare
 * `$ref` into $defs; put its body back at the root so every published schema reads the
 * same way (type, properties, required at the top).
 */
function inlineRoot(body: Record<string, unknown>): Record<string, unknown> {
  const { $ref, $defs, ...rest } = body as { $ref?: unknown; $defs?: Record<string, Record<string, unknown>> };
  const name = typeof $ref === 'string' ? /^#\/\$defs\/([^/]+)$/.exec($ref)?.[1] : undefined;
  if (!name || !$defs?.[name] || Object.keys(rest).length > 0) return body;
  const { [name]: root, ...others } = $defs;
  // Still referenced from inside (a recursive type): leave zod's form alone.
  if (JSON.stringify(others).includes(`"#/$defs/${name}"`) || JSON.stringify(root).includes(`"#/$defs/${name}"`)) return body;
  return Object.keys(others).length > 0 ? { ...root, $defs: others } : { ...root };
}

export interface SchemaIndex {
  schemaVersion: typeof SCHEMA_VERSION;
  schemas: { command: string; $id: string; title: string; description: string; file: string }[];
}

/** What `dnarch schema` prints with no command, and schema/index.json holds. */
export function schemaIndex(): SchemaIndex {
  return {
    schemaVersion: SCHEMA_VERSION,
    schemas: schemaCommands().map((command) => ({
      command,
      $id: schemaId(command),
      title: OUTPUT_SCHEMAS[command].title,
      description: OUTPUT_SCHEMAS[command].description,
      file: `schema/${schemaFile(command)}`,
    })),
  };
}

/** The exact text written to the shipped files and printed by `dnarch schema`. */
export const jsonText = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;
