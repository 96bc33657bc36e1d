/** QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear: y has x's shape; the type is what differs. */
import { ElemType } from '../ir.js';
import { getInt } from './attributes.js';
import { fact, need } from './facts.js';
import type { InferRule } from './types.js';

/** output_dtype (opset 21+) if set, else y_zero_point's type, else UINT8. */
const quantize: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'x');
  const attr = ctx.opset >= 21 ? getInt(node, 'output_dtype', 0) : 0;
  return [fact(attr || inputs[2]?.dtype || ElemType.UINT8, x.shape)];
};

/** output_dtype (opset 23+) if set, else x_scale's type. */
const dequantize: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'x');
  const attr = getInt(node, 'output_dtype', 0);
  return [fact(attr || need(inputs, 1, 'x_scale').dtype, x.shape)];
};

const dynamicQuantize: InferRule = (_node, inputs) => {
  const x = need(inputs, 0, 'x');
  return [fact(ElemType.UINT8, x.shape), fact(ElemType.FLOAT, []), fact(ElemType.UINT8, [])];
};

export const QUANTIZE_RULES: [string, InferRule][] = [
  ['QuantizeLinear', quantize],
  ['DequantizeLinear', dequantize],
  ['DynamicQuantizeLinear', dynamicQuantize],
];
