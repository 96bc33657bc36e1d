import type { Command } from 'commander';
import { DnarchError } from '../errors.js';
import { checkOutDir, emit } from './output.js';

export function schemaCommand(program: Command): void {
  program
    .command('schema')
    .description('the JSON Schema of a command\'s --format json output (no command: the list of schemas)')
    .argument('[command]', 'a command with JSON output, e.g. summarize')
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .action(async (command: string | undefined, f: { out?: string }) => {
      await checkOutDir(f.out);
      // Loaded here: zod is not needed at start-up, and the schemas never load TensorFlow.js.
      const { jsonSchemaFor, jsonText, schemaIndex } = await import('../schema/json-schema.js');
      if (command === undefined) return emit(jsonText(schemaIndex()), f.out);
      const schema = jsonSchemaFor(command);
      if (!schema) {
        const known = schemaIndex().schemas.map((s) => s.command).join(', ');
        throw new DnarchError('BAD_OPTION', `no JSON schema for "${command}": known commands are ${known}`);
      }
      await emit(jsonText(schema), f.out);
    });
}
