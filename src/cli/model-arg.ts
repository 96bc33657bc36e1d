/**
 * A model argument as every command reads it: a path or a zoo name, and a zoo name's own
 * options after "@" (resnet50@input-size=160). No TensorFlow: it runs before anything is built.
 */
import { existsSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { DnarchError } from '../errors.js';
import { writtenAsPath } from '../load/paths.js';
import { OPTION_NAMES, resolveOptions, type ModelOptions } from '../zoo/options.js';
import { findModel, ZOO } from '../zoo/registry.js';
import { unknownModelMessage } from '../zoo/suggest.js';
import type { Pooling } from '../zoo/types.js';
import { stderrNote } from './terminal.js';
import { parseAlpha, parseInputSize, parsePositiveInt } from './parse.js';

/** One model named on the command line, as every command takes it. */
export interface ModelArg {
  kind: 'zoo' | 'file';
  /** What the loaders take: the zoo model's name (without its @options), or the path as given. */
  target: string;
  /** How tables and JSON name it: `resnet50@input-size=160`, or the path. */
  label: string;
  /** Zoo: the @options over the flags. File: the flags as given (so that the loaders refuse them). */
  options: ModelOptions;
}

type OptionKey = keyof ModelOptions;

/** `NAME@key=value,...`: each key, its parser, and how its value is written back in a label. */
const SPEC_KEYS = new Map<string, { key: OptionKey; parse: (v: string | undefined) => ModelOptions[OptionKey]; text: (v: never) => string }>([
  ['input-size', { key: 'inputSize', parse: (v) => parseInputSize(need(v)), text: ([h, w]: [number, number]) => (h === w ? `${h}` : `${h}x${w}`) }],
  ['alpha', { key: 'alpha', parse: (v) => parseAlpha(need(v)), text: (a: number) => `${a}` }],
  ['classes', { key: 'classes', parse: (v) => parsePositiveInt(need(v)), text: (n: number) => `${n}` }],
  ['no-top', { key: 'includeTop', parse: parseNoTop, text: () => '' }],
  ['pooling', { key: 'pooling', parse: parsePooling, text: (p: string) => p }],
]);

function need(v: string | undefined): string {
  if (v === undefined || v === '') throw new InvalidArgumentError('needs a value, as in key=value');
  return v;
}

function parseNoTop(v: string | undefined): false {
  if (v === undefined || v === 'true') return false;
  throw new InvalidArgumentError('takes no value (write no-top, or leave it out for the classifier)');
}

function parsePooling(v: string | undefined): Pooling {
  if (v === 'avg' || v === 'max' || v === 'none') return v;
  throw new InvalidArgumentError(`expected avg, max or none, got "${v ?? ''}"`);
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The options after "@" in `resnet50@input-size=160,classes=10`, and their canonical text for the label. */
function parseSpec(arg: string, spec: string): { options: ModelOptions; text: string } {
  const options: ModelOptions = {};
  const parts = new Map<OptionKey, string>();
  for (const item of spec.split(',')) {
    const eq = item.indexOf('=');
    const name = (eq >= 0 ? item.slice(0, eq) : item).trim().toLowerCase();
    const value = eq >= 0 ? item.slice(eq + 1).trim() : undefined;
    if (name === '') throw new DnarchError('BAD_OPTION', `${arg}: an empty option after "@" (write NAME@key=value,key=value)`);
    const def = SPEC_KEYS.get(name);
    if (!def) throw new DnarchError('BAD_OPTION', `${arg}: unknown option "${name}" (options are ${[...SPEC_KEYS.keys()].join(', ')})`);
    if (parts.has(def.key)) throw new DnarchError('BAD_OPTION', `${arg}: ${name} is given twice`);
    let parsed: ModelOptions[OptionKey];
    try {
      parsed = def.parse(value);
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new DnarchError('BAD_OPTION', `${arg}: ${name}: ${e.message}`);
      throw e;
    }
    (options as Record<OptionKey, unknown>)[def.key] = parsed;
    const text = def.text(parsed as never);
    parts.set(def.key, text === '' ? name : `${name}=${text}`);
  }
  // The label lists the options in one order, however they were typed.
  const text = [...SPEC_KEYS.values()].flatMap((d) => (parts.has(d.key) ? [parts.get(d.key) as string] : [])).join(',');
  return { options, text };
}

/** Notes printed once per process: the same name given twice is one note. */
const noted = new Set<string>();

/**
 * What a model argument names: a zoo model, optionally with its own options
 * (`resnet50@input-size=160`), or a model file. A name written as a path (a slash, a model
 * file's extension) is a path; a zoo name is the zoo model even when a file or directory of
 * that name exists (a note says to write ./NAME for it); any other existing file or
 * directory is a path. Options given both after "@" and as a flag must agree. Checked before
 * anything is loaded, so that a bad last argument fails at once.
 */
export function modelArg(arg: string, flags: ModelOptions = {}): ModelArg {
  if (writtenAsPath(arg)) return { kind: 'file', target: arg, label: arg, options: flags };
  const at = arg.indexOf('@');
  const base = at >= 0 ? arg.slice(0, at) : arg;
  const entry = findModel(base);
  if (!entry) {
    if (existsSync(arg)) return { kind: 'file', target: arg, label: arg, options: flags };
    throw new DnarchError('UNKNOWN_MODEL', unknownModelMessage(base, ZOO));
  }
  if (at < 0 && existsSync(arg) && !noted.has(arg)) {
    noted.add(arg);
    stderrNote(`"${arg}" is the zoo model ${entry.name}; for the file or directory of that name write ./${arg}`);
  }
  const spec = at >= 0 ? parseSpec(arg, arg.slice(at + 1)) : { options: {}, text: '' };
  const fromSpec = new Set<OptionKey>();
  for (const [k, v] of Object.entries(spec.options) as [OptionKey, unknown][]) {
    if (v === undefined) continue;
    fromSpec.add(k);
    const flag = flags[k];
    if (flag !== undefined && !sameValue(flag, v)) {
      throw new DnarchError('BAD_OPTION', `${arg} and --${OPTION_NAMES[k]} disagree on ${OPTION_NAMES[k]}: give it once`);
    }
  }
  const options: ModelOptions = { ...flags, ...spec.options };
  // Every impossible option fails here, named as it was written.
  resolveOptions(entry, options, (k) => (fromSpec.has(k) ? `${entry.name}@${OPTION_NAMES[k]}` : `--${OPTION_NAMES[k]}`));
  return { kind: 'zoo', target: entry.name, label: spec.text ? `${entry.name}@${spec.text}` : entry.name, options };
}
