import { attr, commonLayout, onnxAxis, type OnnxGraph } from '../graph.js';
import { exportError, value, type LayerCall, type OnnxMapper } from '../layer-call.js';

/** Inputs in one layout (NCHW when all are 4D and one already is), for element-wise merges. */
function aligned(g: OnnxGraph, call: LayerCall) {
  const layout = commonLayout(call.inputs);
  return { layout, names: call.inputs.map((v) => g.as(v, layout)) };
}

/** A left fold of a binary ONNX op over the inputs, in tfjs' order. */
const fold = (op: string, last?: (g: OnnxGraph, y: string, call: LayerCall) => string): OnnxMapper => (g, call) => {
  const { layout, names } = aligned(g, call);
  let y = names[0];
  for (const n of names.slice(1)) y = g.node(op, [y, n], [], call.base);
  if (last) y = last(g, y, call);
  return [value(y, call.outputShapes[0], layout)];
};

export const add = fold('Add');
export const multiply = fold('Mul');
export const maximum = fold('Max');
export const minimum = fold('Min');
export const average = fold('Add', (g, y, call) => g.node('Mul', [y, g.scalar(`${call.base}/inverse_count`, 1 / call.inputs.length)], [], call.base));

export const concatenate: OnnxMapper = (g, call) => {
  const { layout, names } = aligned(g, call);
  const axis = Number(call.config.axis ?? -1);
  const y = g.node('Concat', names, [attr.int('axis', onnxAxis(axis, call.outputShapes[0].length, layout))], call.base);
  return [value(y, call.outputShapes[0], layout)];
};

/** CustomScaleLayer (src/zoo/custom-scale-layer.ts): inputs[0] + inputs[1] * scale. */
export const customScale: OnnxMapper = (g, call) => {
  if (call.inputs.length !== 2) throw exportError(call.layer, `expected 2 inputs, got ${call.inputs.length}`);
  const { layout, names } = aligned(g, call);
  const scaled = g.node('Mul', [names[1], g.scalar(`${call.base}/scale`, Number(call.config.scale))], [], call.base);
  return [value(g.node('Add', [names[0], scaled], [], call.base), call.outputShapes[0], layout)];
};
