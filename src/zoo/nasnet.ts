import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder, type BatchNormSettings } from './builder.js';
import { correctPad } from './correct-pad.js';
import { pointwise } from './mobile-units.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * NASNet-A, layer for layer as keras/src/applications/nasnet.py builds it.
 *
 * The network is a stem convolution, two reduction cells ('stem_1', 'stem_2'), then three
 * stages of `numBlocks` normal cells separated by reduction cells. Every cell reads two
 * hidden states, the previous cell's output `ip` and the one before it `p`, and combines
 * them in five blocks of two ops each, summed: the cell's genotype, written below as data.
 *
 * Keras names most layers, but leaves the ReLUs, the adjust block's ZeroPadding2D,
 * Cropping2D and Concatenate, one Add per reduction cell, and the head's pooling unnamed;
 * those get per-class automatic names (`activation_57`, `add_2`), so layers are created
 * in Keras' order: a cell's adjust block, its 1x1 conv, then the blocks left to right.
 */

interface NASNetConfig {
  penultimateFilters: number;
  numBlocks: number;
  stemBlockFilters: number;
  /** Without it, the cell after a reduction cell reads the reduction cell's output as `p`. */
  skipReduction: boolean;
  filterMultiplier: number;
}

/** NASNetMobile: NASNet-A (4 @ 1056). */
const MOBILE: NASNetConfig = {
  penultimateFilters: 1056,
  numBlocks: 4,
  stemBlockFilters: 32,
  skipReduction: false,
  filterMultiplier: 2,
};

/** Keras' NASNet BatchNormalization settings (from the TF-slim originals). */
const BN: BatchNormSettings = { momentum: 0.9997, epsilon: 1e-3 };

/** Hidden states of a cell: the 1x1-projected input `h`, `h` padded for the stride-2 pools, the adjusted `p`, and block outputs. */
type State = 'h' | 'h3' | 'p' | 'x1' | 'x2' | 'x3' | 'x4' | 'x5';

/**
 * One op of a block. Names are Keras' without the `_<cellId>` suffix. All pools are 3x3:
 * 'same' at stride 1, 'valid' at stride 2 (where they read the pre-padded `h3`).
 */
type Op =
  | { op: 'sep'; kernel: number; stride: 1 | 2; id: string }
  | { op: 'avg' | 'max'; stride: 1 | 2; name: string }
  | { op: 'identity' };

interface Branch {
  from: State;
  op: Op;
}

/** A block: two branches summed. Operands in Keras' order; `add: null` is Keras' unnamed Add. */
interface Block {
  branches: [Branch, Branch];
  add: string | null;
}

interface Genotype {
  kind: 'normal' | 'reduction';
  blocks: Block[];
  concat: State[];
}

const sep = (from: State, kernel: number, stride: 1 | 2, id: string): Branch => ({ from, op: { op: 'sep', kernel, stride, id } });
const pool = (from: State, op: 'avg' | 'max', stride: 1 | 2, name: string): Branch => ({ from, op: { op, stride, name } });
const identity = (from: State): Branch => ({ from, op: { op: 'identity' } });

/** Keras' _normal_a_cell (Fig. 4 of the paper, left). */
const NORMAL: Genotype = {
  kind: 'normal',
  blocks: [
    { branches: [sep('h', 5, 1, 'normal_left1'), sep('p', 3, 1, 'normal_right1')], add: 'normal_add_1' },
    { branches: [sep('p', 5, 1, 'normal_left2'), sep('p', 3, 1, 'normal_right2')], add: 'normal_add_2' },
    { branches: [pool('h', 'avg', 1, 'normal_left3'), identity('p')], add: 'normal_add_3' },
    { branches: [pool('p', 'avg', 1, 'normal_left4'), pool('p', 'avg', 1, 'normal_right4')], add: 'normal_add_4' },
    { branches: [sep('h', 3, 1, 'normal_left5'), identity('h')], add: 'normal_add_5' },
  ],
  concat: ['p', 'x1', 'x2', 'x3', 'x4', 'x5'],
};

/**
 * Keras' _reduction_a_cell (Fig. 4, right), with its naming quirks kept: `reduction_add3`
 * and `reduction_add4` lack the underscore, block 4's Add is unnamed and adds x2 first,
 * and block 5's separable branch reuses the id `reduction_left4`.
 */
const REDUCTION: Genotype = {
  kind: 'reduction',
  blocks: [
    { branches: [sep('h', 5, 2, 'reduction_left1'), sep('p', 7, 2, 'reduction_right1')], add: 'reduction_add_1' },
    { branches: [pool('h3', 'max', 2, 'reduction_left2'), sep('p', 7, 2, 'reduction_right2')], add: 'reduction_add_2' },
    { branches: [pool('h3', 'avg', 2, 'reduction_left3'), sep('p', 5, 2, 'reduction_right3')], add: 'reduction_add3' },
    { branches: [identity('x2'), pool('x1', 'avg', 1, 'reduction_left4')], add: null },
    { branches: [sep('x1', 3, 1, 'reduction_left4'), pool('h3', 'max', 2, 'reduction_right5')], add: 'reduction_add4' },
  ],
  concat: ['x2', 'x3', 'x4', 'x5'],
};

interface CellSpec {
  genotype: Genotype;
  /** Keras' block_id: 'stem_1', '0', 'reduce_4', ... */
  id: string;
  filters: number;
  /** A reduction cell between stages, whose `p` for the next cell `skipReduction` governs. */
  betweenStages: boolean;
}

/** Keras' cell sequence and widths: filters = penultimate / 24, times the multiplier per stage. */
function cellPlan(cfg: NASNetConfig): CellSpec[] {
  const filters = Math.floor(cfg.penultimateFilters / 24);
  const m = cfg.filterMultiplier;
  const cells: CellSpec[] = [
    { genotype: REDUCTION, id: 'stem_1', filters: Math.floor(filters / m ** 2), betweenStages: false },
    { genotype: REDUCTION, id: 'stem_2', filters: Math.floor(filters / m), betweenStages: false },
  ];
  for (let stage = 0; stage < 3; stage++) {
    // Keras numbers normal cells 0..n-1, then n+1..2n, 2n+1..3n: the reduction cells take n and 2n.
    const first = stage === 0 ? 0 : stage * cfg.numBlocks + 1;
    const width = filters * m ** stage;
    if (stage > 0) {
      cells.push({ genotype: REDUCTION, id: `reduce_${stage * cfg.numBlocks}`, filters: width, betweenStages: true });
    }
    for (let i = 0; i < cfg.numBlocks; i++) {
      cells.push({ genotype: NORMAL, id: String(first + i), filters: width, betweenStages: false });
    }
  }
  return cells;
}

/** Block path of a cell: Keras' normal-cell ids are bare numbers, so they become 'cell_<id>'. */
const cellBlock = (cell: CellSpec): string => (cell.genotype.kind === 'normal' ? `cell_${cell.id}` : cell.id);

/** Keras leaves most of NASNet's ReLUs unnamed, hence the automatic name by default. */
function relu(b: ZooBuilder, x: SymbolicTensor, name = b.autoName('activation')): SymbolicTensor {
  return b.activation(name, 'relu', x);
}

/** Keras' _separable_conv_block: twice ReLU -> SeparableConv2D -> BN; only the first may stride. */
function separableConvBlock(b: ZooBuilder, x: SymbolicTensor, filters: number, kernel: number, stride: 1 | 2, id: string) {
  x = relu(b, x);
  if (stride === 2) {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: correctPad(x, kernel), name: `separable_conv_1_pad_${id}` }), x);
  }
  const padding = stride === 2 ? 'valid' : 'same';
  x = b.separableConv2d({ filters, kernelSize: kernel, strides: stride, padding, useBias: false, name: `separable_conv_1_${id}` }, x);
  x = b.batchNorm(`separable_conv_1_bn_${id}`, x, BN);
  x = relu(b, x);
  x = b.separableConv2d({ filters, kernelSize: kernel, padding: 'same', useBias: false, name: `separable_conv_2_${id}` }, x);
  return b.batchNorm(`separable_conv_2_bn_${id}`, x, BN);
}

/**
 * Keras' _adjust_block: makes `p` match `ip` in resolution and `filters`. Keras compares
 * the width axis only (shape[-2]) to detect a resolution change, and so does this.
 * Halving takes two 1x1/2 samplings, the second shifted by one pixel (pad bottom-right,
 * crop top-left), each projected to filters/2, concatenated: the "path" branches.
 */
function adjustBlock(b: ZooBuilder, p: SymbolicTensor | null, ip: SymbolicTensor, filters: number, id: string): SymbolicTensor {
  if (p === null) return ip;
  if (p.shape[2] !== ip.shape[2]) {
    p = relu(b, p, `adjust_relu_1_${id}`);
    const sample = (name: string, t: SymbolicTensor) =>
      b.apply(tfl.layers.averagePooling2d({ poolSize: 1, strides: 2, padding: 'valid', name }), t);
    const p1 = pointwise(b, Math.floor(filters / 2), `adjust_conv_1_${id}`, sample(`adjust_avg_pool_1_${id}`, p));
    let p2 = b.apply(tfl.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: b.autoName('zero_padding2d') }), p);
    p2 = b.apply(tfl.layers.cropping2D({ cropping: [[1, 0], [1, 0]], name: b.autoName('cropping2d') }), p2);
    p2 = pointwise(b, Math.floor(filters / 2), `adjust_conv_2_${id}`, sample(`adjust_avg_pool_2_${id}`, p2));
    const both = b.apply(tfl.layers.concatenate({ axis: -1, name: b.autoName('concatenate') }), [p1, p2]);
    return b.batchNorm(`adjust_bn_${id}`, both, BN);
  }
  if (p.shape[3] !== filters) {
    p = relu(b, p);
    p = pointwise(b, filters, `adjust_conv_projection_${id}`, p);
    return b.batchNorm(`adjust_bn_${id}`, p, BN);
  }
  return p;
}

function branch(b: ZooBuilder, br: Branch, states: Map<State, SymbolicTensor>, filters: number, cellId: string) {
  const x = states.get(br.from) as SymbolicTensor;
  const { op } = br;
  if (op.op === 'identity') return x;
  if (op.op === 'sep') return separableConvBlock(b, x, filters, op.kernel, op.stride, `${op.id}_${cellId}`);
  const args = { poolSize: 3, strides: op.stride, padding: op.stride === 1 ? 'same' : 'valid', name: `${op.name}_${cellId}` } as const;
  return b.apply(op.op === 'avg' ? tfl.layers.averagePooling2d(args) : tfl.layers.maxPooling2d(args), x);
}

/** One cell over `ip` and the previous state `prev` (Keras' `p`, null before stem_1); returns its output. */
function cell(b: ZooBuilder, spec: CellSpec, ip: SymbolicTensor, prev: SymbolicTensor | null): SymbolicTensor {
  const { genotype, id, filters } = spec;
  const kind = genotype.kind;
  const states = new Map<State, SymbolicTensor>();
  states.set('p', adjustBlock(b, prev, ip, filters, id));
  let h = relu(b, ip);
  h = pointwise(b, filters, `${kind}_conv_1_${id}`, h);
  h = b.batchNorm(`${kind}_bn_1_${id}`, h, BN);
  states.set('h', h);
  if (kind === 'reduction') {
    states.set('h3', b.apply(tfl.layers.zeroPadding2d({ padding: correctPad(h, 3), name: `reduction_pad_1_${id}` }), h));
  }
  genotype.blocks.forEach((block, i) => {
    const [left, right] = block.branches.map((br) => branch(b, br, states, filters, id));
    const name = block.add === null ? b.autoName('add') : `${block.add}_${id}`;
    states.set(`x${i + 1}` as State, b.apply(tfl.layers.add({ name }), [left, right]));
  });
  const parts = genotype.concat.map((s) => states.get(s) as SymbolicTensor);
  return b.apply(tfl.layers.concatenate({ axis: -1, name: `${kind}_concat_${id}` }), parts);
}

/** stem_conv1 (3x3/2 'valid', no bias) -> stem_bn1. */
function stem(b: ZooBuilder, cfg: NASNetConfig, x: SymbolicTensor): SymbolicTensor {
  return b.block('stem', () => {
    x = b.conv2d({ filters: cfg.stemBlockFilters, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, name: 'stem_conv1' }, x);
    return b.batchNorm('stem_bn1', x, BN);
  });
}

/** Keras' final ReLU (also in a headless model), then the classifier or optional pooling. */
function top(b: ZooBuilder, opts: BuildOptions, x: SymbolicTensor): SymbolicTensor {
  return b.block('top', () => {
    x = relu(b, x);
    if (!opts.includeTop) return b.headlessPooling(opts.pooling, x);
    x = b.apply(tfl.layers.globalAveragePooling2d({ name: b.autoName('global_average_pooling2d') }), x);
    return b.dense({ units: opts.classes, activation: 'softmax', name: 'predictions' }, x);
  });
}

function buildNASNet(cfg: NASNetConfig, opts: BuildOptions): BuiltModel {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, cfg, input);
  let p: SymbolicTensor | null = null;
  for (const spec of cellPlan(cfg)) {
    const ip = x;
    x = b.block(cellBlock(spec), () => cell(b, spec, ip, p));
    // skip_reduction: the cell after a between-stage reduction keeps reading the older state.
    if (!(spec.betweenStages && cfg.skipReduction)) p = ip;
  }
  // Keras names every NASNet variant's model 'NASNet'.
  return b.finish(input, top(b, opts, x), 'NASNet');
}

export const nasnetMobile: Builder = (opts) => buildNASNet(MOBILE, opts);
