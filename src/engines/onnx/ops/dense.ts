import { attr } from '../graph.js';
import { requireWeight, value, weight, type OnnxMapper } from '../layer-call.js';
import { applyActivation } from './activation.js';

/**
 * Dense: Gemm on 2D inputs; on higher ranks tfjs applies the kernel to the last axis of
 * the tensor in its own order, so MatMul (+ Add) on the natural layout.
 */
export const dense: OnnxMapper = (g, call) => {
  const x = call.inputs[0];
  const kernel = requireWeight(call.layer, 'kernel');
  const bias = weight(call.layer, 'bias');
  const w = g.floats(`${call.base}/kernel`, kernel.data, kernel.shape);
  const b = bias ? g.floats(`${call.base}/bias`, bias.data, bias.shape) : undefined;
  const input = g.natural(x);
  let y: string;
  if (x.shape.length === 2) {
    y = g.node('Gemm', b ? [input, w, b] : [input, w], [attr.float('alpha', 1), attr.float('beta', 1)], call.base);
  } else {
    y = g.node('MatMul', [input, w], [], call.base);
    if (b) y = g.node('Add', [y, b], [], call.base);
  }
  return [applyActivation(g, value(y, call.outputShapes[0], 'natural'), call.config.activation, call.base, call.layer)];
};
