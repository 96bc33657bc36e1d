import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ModelReport } from '../src/analysis/types.js';

/** Published figures in ../shared/reference/keras-applications.json (beside the checkout). */
export interface KerasReference {
  name: string;
  inputSize: number;
  params: { total: number; trainable: number; nonTrainable: number };
  layers: { includeTop: number; noTop: number };
  depth: number;
  gmacs: number;
  receptiveField: { size: number; effectiveStride: number; effectivePadding: number };
}

const file = fileURLToPath(new URL('../../shared/reference/keras-applications.json', import.meta.url));
/** The non-Keras architectures (AlexNet, GoogLeNet, CIFAR ResNets): what the papers and torchvision publish. */
export interface OtherReference {
  name: string;
  params: { total?: number; approx?: number; computed?: number };
  gmacs?: number;
}

const data = JSON.parse(readFileSync(file, 'utf8')) as { keras: KerasReference[]; others: OtherReference[] };

/** Every Keras application the reference file lists. */
export const KERAS_NAMES: readonly string[] = data.keras.map((r) => r.name);

export function otherReference(name: string): OtherReference {
  const ref = data.others.find((r) => r.name === name);
  if (!ref) throw new Error(`no reference figures for ${name} in ${file}`);
  return ref;
}

export function kerasReference(name: string): KerasReference {
  const ref = data.keras.find((r) => r.name === name);
  if (!ref) throw new Error(`no reference figures for ${name} in ${file}`);
  return ref;
}

/** What keras.io publishes for an application: params exact, layers (with top), depth, MACs within 0.5%; and totals complete. */
export function expectKerasTotals(r: ModelReport, ref: KerasReference): void {
  expect(r.totals.params).toEqual(ref.params);
  expect(r.totals.layers).toBe(ref.layers.includeTop);
  expect(r.totals.depth).toBe(ref.depth);
  expect(Math.abs(r.totals.macs / (ref.gmacs * 1e9) - 1)).toBeLessThan(0.005);
  expect(r.complete).toBe(true);
}
