import { DnarchError } from '../errors.js';
import type { ZooEntry } from './registry.js';
import type { BuildOptions, Pooling } from './types.js';

/** What a user may set; anything left out takes the model's default. */
export interface ModelOptions {
  inputSize?: number | [number, number];
  classes?: number;
  includeTop?: boolean;
  pooling?: Pooling;
  alpha?: number;
}

const MAX_INPUT = 4096;
const MAX_CLASSES = 1_000_000;

function positiveInt(value: number, what: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new DnarchError('BAD_OPTION', `${what} must be a whole number from 1 to ${max}, got ${value}`);
  }
  return value;
}

/** How an option is written on the command line: its flag by default; `NAME@key=value` has its own spelling. */
export type OptionSpelling = (key: keyof ModelOptions) => string;

/** The command-line name of each option (without "--" or "@"). */
export const OPTION_NAMES: Record<keyof ModelOptions, string> = {
  inputSize: 'input-size',
  alpha: 'alpha',
  classes: 'classes',
  includeTop: 'no-top',
  pooling: 'pooling',
};

const asFlag: OptionSpelling = (key) => `--${OPTION_NAMES[key]}`;

/** Fills in defaults and rejects impossible combinations before anything is built. */
export function resolveOptions(entry: ZooEntry, o: ModelOptions = {}, spell: OptionSpelling = asFlag): BuildOptions {
  const size = o.inputSize ?? entry.defaultInputSize;
  const [h, w] = (Array.isArray(size) ? size : [size, size]).map((v) => positiveInt(v, spell('inputSize'), MAX_INPUT));
  if (h < entry.minInputSize || w < entry.minInputSize) {
    throw new DnarchError(
      'BAD_OPTION',
      `${spell('inputSize')} ${h}x${w} is too small for ${entry.name}: it needs at least ${entry.minInputSize}x${entry.minInputSize}`,
    );
  }
  const classes = positiveInt(o.classes ?? entry.defaultClasses ?? 1000, spell('classes'), MAX_CLASSES);
  if (o.alpha !== undefined && !entry.alphas) {
    throw new DnarchError('BAD_OPTION', `${spell('alpha')} applies to the MobileNets only, not to ${entry.name}`);
  }
  if (o.pooling !== undefined && o.includeTop !== false) {
    throw new DnarchError('BAD_OPTION', `${spell('pooling')} applies only with ${spell('includeTop')} (the classifier has its own pooling)`);
  }
  const alpha = o.alpha ?? 1.0;
  if (entry.alphas && !entry.alphas.includes(alpha)) {
    throw new DnarchError('BAD_OPTION', `${spell('alpha')} for ${entry.name} must be one of ${entry.alphas.join(', ')} (as in Keras), got ${alpha}`);
  }
  return { inputSize: [h, w], classes, includeTop: o.includeTop ?? true, pooling: o.pooling ?? 'none', alpha };
}
