/** Normalisations with extra outputs: BatchNormalization, LayerNormalization, RMSNormalization. */
import { ElemType } from '../ir.js';
import { getInt } from './attributes.js';
import { fact, need, normAxis } from './facts.js';
import type { InferRule } from './types.js';

/**
 * Y is X. The other outputs (mean, var and before opset 14 also saved_mean, saved_var; from
 * 14 running_mean, running_var) have the shape of the mean input, [C]; from opset 14 their
 * type is the mean input's, which may differ from X's.
 */
const batchNorm: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'X');
  const mean = inputs[3];
  const c = x.shape !== null && x.shape.length >= 2 ? x.shape[1] : null;
  const statShape = mean?.shape ?? [c];
  const statType = ctx.opset >= 14 ? (mean?.dtype ?? x.dtype) : x.dtype;
  return [fact(x.dtype, x.shape), ...node.output.slice(1).map(() => fact(statType, statShape))];
};

/** Mean and InvStdDev keep the leading axes and have 1 on the normalised ones. */
const layerNorm: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'X');
  const stash = getInt(node, 'stash_type', ElemType.FLOAT);
  if (x.shape === null) return [fact(x.dtype, null), fact(stash, null), fact(stash, null)];
  const axis = normAxis(getInt(node, 'axis', -1), x.shape.length);
  const stat = x.shape.map((d, i) => (i < axis ? d : 1));
  return [fact(x.dtype, x.shape), fact(stash, stat), fact(stash, stat)];
};

const rmsNorm: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'X');
  if (x.shape !== null) normAxis(getInt(node, 'axis', -1), x.shape.length);
  return [fact(inputs[1]?.dtype || x.dtype, x.shape)];
};

export const NORMALIZATION_RULES: [string, InferRule][] = [
  ['BatchNormalization', batchNorm],
  ['LayerNormalization', layerNorm],
  ['RMSNormalization', rmsNorm],
];
