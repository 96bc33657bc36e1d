import type { ModelReport } from '../analysis/types.js';
import type { FileOptions } from '../load/formats.js';
import type { ModelOptions } from '../zoo/options.js';
import { showProgress, withStatus } from './terminal.js';

/**
 * Builds and analyses one model for a command, with a status line for a person watching.
 * The analysis is imported here, not at start-up: `dnarch --help` must not pay for TensorFlow.
 */
export async function analyzeForCli(name: string, format: string, options: ModelOptions = {}, label = name, file: FileOptions = {}): Promise<ModelReport> {
  return withStatus(showProgress(format), `building and analysing ${label}`, async () => {
    const { analyze } = await import('../api.js');
    return analyze(name, options, file);
  });
}
