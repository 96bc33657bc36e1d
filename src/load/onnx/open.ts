import { basename, dirname } from 'node:path';
import type { LayerGraph } from '../../graph/types.js';
import { DnarchError } from '../../errors.js';
import { regularFileSize, resolveInsideIfPresent } from '../safe-path.js';
import { analyzeConstants, type ConstantAnalysis } from './constants.js';
import { decodeOnnx } from './decode.js';
import { inlineFunctions } from './functions.js';
import { skimOnnx } from './skim.js';
import { rawByteLength } from './tensor-data.js';
import { declaredFact } from './infer/control-flow.js';
import { inferShapes } from './infer/infer.js';
import type { TensorFact } from './infer/types.js';
import { isDefaultDomain, opName, type OnnxGraph, type OnnxModel } from './ir.js';
import { planInputs, type InputShapeArg, type PlannedInput } from './inputs.js';
import type { NodeLayer } from './node-layers.js';
import { toLayerGraph } from './to-graph.js';

/** protobuf's own limit on a message: an ONNX file larger than this must keep its weights in external data. */
export const MAX_ONNX_BYTES = 2 ** 31;

/** The sizes of a model file's open dimensions (layers files read inputShapes and inputSize too: src/load/tfjs/input-sizes.ts). */
export interface OnnxOptions {
  inputShapes?: InputShapeArg[];
  /** --input-size: height and width of every image input (rank 4) not sized by --input-shape. */
  inputSize?: [number, number];
  batch?: number;
  /** Commands over several models: a shape naming an input this file lacks is noted, not an error. */
  lenient?: boolean;
}

export interface OpenedOnnx {
  graph: LayerGraph;
  model: OnnxModel;
  inputs: PlannedInput[];
  details: Record<string, string>;
  notes: string[];
  paramsByDtype: Record<string, number>;
  constants: ConstantAnalysis['constants'];
  /** What is wrong with the external data (a file missing, or too short): analysis goes on, inference cannot. */
  missingExternal: string[];
  /** The live nodes and their layers (to map ONNX Runtime's profile back to rows). */
  nodeLayers: NodeLayer[];
}

/** What the file's own declarations say of its values (inference uses them only where they are complete). */
const declaredFacts = (g: OnnxGraph): Map<string, TensorFact> =>
  new Map([...g.valueInfo.values(), ...g.outputs].map((v): [string, TensorFact] => [v.name, declaredFact(v)]));

/**
 * Every external-data location is checked: inside the model's directory, no escape by link.
 * The files are not read; a missing one, or one too short for the ranges the model gives
 * it, is a problem: noted for analysis, refused by bench (ONNX Runtime would fail on it).
 */
async function checkExternal(file: string, g: OnnxGraph): Promise<string[]> {
  const dir = dirname(file);
  const problems = new Set<string>();
  const sizes = new Map<string, number | undefined>();
  for (const t of g.initializers.values()) {
    const location = t.external?.location;
    if (location === undefined) continue;
    if (!sizes.has(location)) {
      let real: string | undefined;
      try {
        real = await resolveInsideIfPresent(dir, location);
      } catch (e) {
        throw new DnarchError('BAD_INPUT', `${file}: initializer ${JSON.stringify(t.name)} keeps its data in ${(e as Error).message}`);
      }
      sizes.set(location, real === undefined ? undefined : await regularFileSize(real).catch(() => undefined));
    }
    const size = sizes.get(location);
    const where = JSON.stringify(location);
    if (size === undefined) {
      problems.add(`${where} is missing`);
      continue;
    }
    const length = t.external?.length ?? rawByteLength(t.dataType, t.size) ?? 0;
    const end = (t.external?.offset ?? 0) + length;
    if (end > size) problems.add(`${where} is ${size} bytes, but ${JSON.stringify(t.name)} needs bytes up to ${end}`);
  }
  return [...problems];
}

const opsetText = (model: OnnxModel): string =>
  [...model.opsets].map(([domain, v]) => `${domain === '' ? 'ai.onnx' : domain} ${v}`).join(', ');

const NEURAL = /^(Conv\dD|DepthwiseConv2D|Conv\dDTranspose|Dense|MatMul|Einsum|LSTM|GRU|SimpleRNN)$/;

function notesOf(model: OnnxModel, g: OnnxGraph, built: ReturnType<typeof toLayerGraph>, consts: ConstantAnalysis, noRule: string[], declaredUsed: number, missingExternal: string[]): string[] {
  const notes: string[] = [];
  const graph = built.graph;
  if (!graph.nodes.some((n) => NEURAL.test(n.kind ?? ''))) {
    const ops = [...new Set(graph.nodes.filter((n) => n.kind !== 'InputLayer').map((n) => n.className))];
    notes.push(`not a neural network: no convolution, dense layer, matmul or recurrent op to cost (its ops: ${ops.join(', ') || 'none'})`);
  }
  if (noRule.length > 0) {
    notes.push(`dnarch infers no shapes for ${noRule.join(', ')}: their outputs${declaredUsed > 0 ? ' (unless the file declares them)' : ''} and the nodes after them are unknown`);
  }
  if (declaredUsed > 0) notes.push(`${declaredUsed} output shape(s) taken from the file's own value_info, for ops dnarch cannot infer`);
  if (built.unknownShapes > 0) notes.push(`${built.unknownShapes} node(s) have shapes that are not fully known: their costs are not counted`);
  if (consts.folded > 0) notes.push(`${consts.folded} node(s) compute constants (shape arithmetic, weight dequantization, ...): folded, not shown as rows`);
  const eightBit = ['int8', 'uint8', 'int4', 'uint4'].reduce((s, d) => s + (consts.paramsByDtype.get(d) ?? 0), 0);
  if (eightBit > 0) {
    const total = [...consts.paramsByDtype.values()].reduce((a, b) => a + b, 0);
    notes.push(`quantized: ${eightBit.toLocaleString('en-US')} of the ${total.toLocaleString('en-US')} parameters are 8-bit (or 4-bit) integers`);
  }
  if (consts.unused.tensors > 0) notes.push(`${consts.unused.tensors} initializer(s) (${consts.unused.elements.toLocaleString('en-US')} elements) are read by no node: not counted`);
  const external = [...new Set([...g.initializers.values()].map((t) => t.external?.location).filter((l): l is string => l !== undefined))];
  if (external.length > 0) notes.push(`weights kept in external data (${external.join(', ')}): not read for analysis`);
  if (missingExternal.length > 0) notes.push(`external data: ${missingExternal.join('; ')} (analysis goes on; the model cannot run)`);
  const other = [...model.opsets.keys()].filter((d) => !isDefaultDomain(d));
  if (other.length > 0 && g.nodes.some((n) => !isDefaultDomain(n.domain))) {
    notes.push(`ops of ${other.join(', ')}: listed, not costed`);
  }
  return notes;
}

/** Reads, checks and analyses an ONNX file's graph: no weight is copied, no external file read. */
export async function openOnnx(file: string, opts: OnnxOptions = {}): Promise<OpenedOnnx> {
  const bytes = await skimOnnx(file, MAX_ONNX_BYTES);
  const model = decodeOnnx(bytes, file);
  const g = inlineFunctions(model, file);
  const missingExternal = await checkExternal(file, g);
  const plan = planInputs(g, file, opts);
  const opset = model.opsets.get('') ?? 1;
  const declared = declaredFacts(g);
  const inferred = inferShapes(g, plan.facts, { opset, declared });
  const consts = analyzeConstants(g, inferred.order, (v) => inferred.facts.get(v)?.value !== undefined);
  // The file's name: graph names are the exporter's ('torch_jit', 'main_graph'), said in the details.
  const name = basename(file).replace(/\.onnx$/i, '') || g.name || file;
  const built = toLayerGraph(name, g, plan, inferred, consts);
  const live = new Set(consts.live);
  const noRuleOps = [...new Set(inferred.noRule.filter((r) => live.has(r.node)).map((r) => opName(r.node)))];
  const declaredUsed = inferred.noRule.filter((r) => r.declared).length;
  const details: Record<string, string> = {
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown',
    opsets: opsetText(model),
    irVersion: String(model.irVersion),
    ...(g.name ? { graph: g.name } : {}),
  };
  return {
    graph: built.graph,
    model,
    inputs: plan.inputs,
    details,
    notes: [...plan.notes, ...notesOf(model, g, built, consts, noRuleOps, declaredUsed, missingExternal)],
    paramsByDtype: Object.fromEntries(consts.paramsByDtype),
    constants: consts.constants,
    missingExternal,
    nodeLayers: built.nodeLayers,
  };
}
