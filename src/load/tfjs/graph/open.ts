import { basename, dirname } from 'node:path';
import { DnarchError } from '../../../errors.js';
import type { LayerGraph, Shape } from '../../../graph/types.js';
import type { FileOptions } from '../../format.js';
import type { DeclaredDim, OnnxGraph } from '../../onnx/ir.js';
import { planInputs } from '../../onnx/inputs.js';
import { resolveInsideIfPresent } from '../../safe-path.js';
import { loadWeights, manifestWeights } from '../weights.js';
import { AttrError } from './attrs.js';
import { CONTROL_FLOW, inferShapes, topoOrder, type ConstantInfo } from './infer/infer.js';
import { parseGraphModel, parseInput, type TfGraphModel } from './model-json.js';
import { toLayerGraph, type StoredWeight } from './to-graph.js';

/**
 * Opens a TensorFlow.js graph model: its nodes become rows, its float weights parameters
 * (quantized ones at their element count, their stored bytes as stored), its int32
 * constants configuration counted apart. Shapes are inferred from the inputs (signature or
 * Placeholder shapes, open dimensions from --input-shape / --input-size), the weights'
 * shapes and the op attributes; constants' values come from the shards when they are
 * beside model.json. What cannot be known is said, never guessed.
 */

export interface OpenedGraphModel {
  graph: LayerGraph;
  details: Record<string, string>;
  notes: string[];
  paramsByDtype: Record<string, number>;
  constants: { config: { tensors: number; elements: number }; quantization: { tensors: number; elements: number } };
}

/** Float constants whose values are kept for shape arithmetic (scalars and short vectors). */
const MAX_FLOAT_VALUE = 64;

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Whether every shard the manifest names is beside model.json (inside its directory); the missing ones. */
async function missingShards(file: string, manifest: unknown): Promise<string[]> {
  const groups = Array.isArray(manifest) ? manifest : [];
  const missing: string[] = [];
  for (const g of groups) {
    const paths = g && typeof g === 'object' && Array.isArray((g as { paths?: unknown }).paths) ? ((g as { paths: unknown[] }).paths) : [];
    for (const p of paths) {
      if (typeof p !== 'string') continue;
      let real: string | undefined;
      try {
        real = await resolveInsideIfPresent(dirname(file), p);
      } catch (e) {
        throw new DnarchError('BAD_INPUT', `${file}: weightsManifest path ${JSON.stringify(p)}: ${(e as Error).message}`);
      }
      if (real === undefined) missing.push(p);
    }
  }
  return missing;
}

/** The graph's inputs with their declared dims: the signature's, else the Placeholder nodes'. */
function declaredInputs(model: TfGraphModel, file: string): { name: string; dims: DeclaredDim[] | null }[] {
  const placeholders = model.nodes.filter((n) => n.op === 'Placeholder');
  const attrShape = (name: string): Shape | null => {
    try {
      return model.byName.get(name)?.attrs.shape('shape') ?? null;
    } catch (e) {
      if (e instanceof AttrError) throw new DnarchError('BAD_INPUT', `${file}: ${e.message}`);
      throw e;
    }
  };
  const fromSignature = model.signatureInputs
    .map((t) => ({ node: parseInput(t.name).node, shape: t.shape }))
    .filter((t) => model.byName.has(t.node));
  const list = fromSignature.length > 0 ? fromSignature.map((t) => ({ name: t.node, shape: t.shape ?? attrShape(t.node) })) : placeholders.map((p) => ({ name: p.name, shape: attrShape(p.name) }));
  return list.map((i) => ({ name: i.name, dims: i.shape === null || i.shape === undefined ? null : i.shape }));
}

/** The manifest without its weights of other dtypes than float32 and int32, and what those were. */
function otherDtypes(manifest: unknown): { manifest: unknown; dtypes: string[]; tensors: number; elements: number } {
  if (!Array.isArray(manifest)) return { manifest, dtypes: [], tensors: 0, elements: 0 };
  const dtypes = new Set<string>();
  let tensors = 0;
  let elements = 0;
  const kept = manifest.map((g: unknown) => {
    const weights = g && typeof g === 'object' && Array.isArray((g as { weights?: unknown }).weights) ? ((g as { weights: unknown[] }).weights) : undefined;
    if (!weights) return g;
    return {
      ...(g as object),
      weights: weights.filter((w) => {
        const dtype = w && typeof w === 'object' ? (w as { dtype?: unknown }).dtype : undefined;
        if (dtype !== 'bool' && dtype !== 'string') return true;
        const shape = (w as { shape?: unknown }).shape;
        const dims = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0) ? (shape as number[]) : [];
        dtypes.add(dtype);
        tensors++;
        elements += dims.reduce((a, b) => a * b, 1);
        return false;
      }),
    };
  });
  return { manifest: kept, dtypes: [...dtypes], tensors, elements };
}

export async function openGraphModel(file: string, json: Record<string, unknown>, opts: FileOptions = {}): Promise<OpenedGraphModel> {
  const model = parseGraphModel(file, json);
  if (model.nodes.length === 0) throw new DnarchError('BAD_INPUT', `${file} is a TensorFlow.js graph model with no nodes (modelTopology.node is empty): nothing to analyse`);
  const notes: string[] = [];
  // Graph models may also store bool and string constants (a training flag, a vocabulary):
  // configuration, not parameters; dnarch's shard reader does not decode them, so their
  // presence leaves every constant's value unread.
  const other = otherDtypes(model.manifest);
  let stored: ReturnType<typeof manifestWeights> = [];
  if (model.manifest !== undefined && model.manifest !== null) stored = manifestWeights(other.manifest, file);

  // Parameters and constants, as the manifest stores them.
  const floatWeights = new Map<string, StoredWeight>();
  const paramsByDtype = new Map<string, number>();
  const config = { tensors: other.tensors, elements: other.elements };
  for (const w of stored) {
    if (w.dtype === 'int32') {
      config.tensors++;
      config.elements += w.elements;
    } else {
      floatWeights.set(w.name, { name: w.name, shape: w.shape, stored: w.stored });
      paramsByDtype.set(w.stored, (paramsByDtype.get(w.stored) ?? 0) + w.elements);
    }
  }

  // Constants: shapes from the manifest (or the node's declared tensor), values from the shards when they are here.
  const missing = stored.length > 0 ? await missingShards(file, model.manifest) : [];
  let values = new Map<string, { values: Float32Array | Int32Array }>();
  if (stored.length > 0 && missing.length === 0 && other.dtypes.length === 0) values = await loadWeights(file, model.manifest);
  if (other.dtypes.length > 0) {
    notes.push(`the manifest also stores ${other.dtypes.join(', ')} constants (${plural(other.tensors, 'tensor')}, configuration): dnarch does not decode those shards, so no constant's value is read from them`);
  }
  const byName = new Map(stored.map((w) => [w.name, w]));
  const constants = new Map<string, ConstantInfo>();
  for (const n of model.nodes) {
    if (n.op !== 'Const') continue;
    const w = byName.get(n.name);
    let info: ConstantInfo;
    if (w) info = { shape: w.shape, dtype: w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' };
    else {
      let t;
      try {
        t = n.attrs.tensor('value');
      } catch (e) {
        if (e instanceof AttrError) throw new DnarchError('BAD_INPUT', `${file}: ${e.message}`);
        throw e;
      }
      info = { shape: t?.shape ?? [], dtype: t?.dtype ?? 'DT_INVALID' };
    }
    const v = values.get(n.name);
    if (v && (v.values instanceof Int32Array || v.values.length <= MAX_FLOAT_VALUE)) info.value = [...v.values];
    constants.set(n.name, info);
  }

  // Inputs, sized as ONNX inputs are: batch 1, other open dimensions from --input-shape / --input-size.
  const declared = declaredInputs(model, file);
  // An input may be named as its tensor ('input_tensor:0', as the signature writes it) or its node ('input_tensor').
  const nodeName = (name: string | undefined): string | undefined => {
    const bare = name?.replace(/:0$/, '');
    return bare !== undefined && bare !== name && declared.some((d) => d.name === bare) ? bare : name;
  };
  // A shape one dimension short is given without its batch (as bench takes it): the batch is the input's own, or --batch / 1 where open.
  const withBatch = (a: { name?: string; dims: number[] }): number[] => {
    const d = a.name === undefined ? (declared.length === 1 ? declared[0] : undefined) : declared.find((x) => x.name === a.name);
    const rank = d?.dims?.length;
    if (rank === undefined || a.dims.length !== rank - 1) return a.dims;
    const first = d!.dims![0];
    return [typeof first === 'number' && first > 0 ? first : (opts.batch ?? 1), ...a.dims];
  };
  const inputShapes = opts.inputShapes?.map((a) => {
    const named = { ...a, name: nodeName(a.name) };
    return { ...named, dims: withBatch(named) };
  });
  const plan = planInputs({ inputs: declared.map((d) => ({ name: d.name, elemType: 1, dims: d.dims })) } as unknown as OnnxGraph, file, { ...opts, ...(inputShapes ? { inputShapes } : {}) });
  notes.push(...plan.notes);
  const sizes = new Map(plan.inputs.map((p) => [p.name, p.dims]));

  const fail = (m: string) => new DnarchError('BAD_INPUT', m);
  const order = topoOrder(model, file, fail);
  const inferred = inferShapes(model, order, sizes, constants, (node, m) => fail(`${file}: node ${JSON.stringify(node.name)} (${node.op}): ${m}`));

  // Outputs: the signature's, else the nodes nothing reads.
  const read = new Set(model.nodes.flatMap((n) => n.inputs.map((i) => i.node)));
  const outputs = model.signatureOutputs.length > 0 && model.signatureOutputs.every((o) => model.byName.has(parseInput(o.name).node))
    ? model.signatureOutputs.map((o) => parseInput(o.name))
    : model.nodes.filter((n) => !read.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp').map((n) => ({ node: n.name, output: 0, control: false }));

  // Library functions' constants belong to the node that calls them.
  const functionConsts = new Map<string, string[]>();
  for (const n of model.nodes) {
    const called = n.attrs.names().flatMap((a) => {
      try {
        const f = n.attrs.func(a);
        return f ? [f] : [];
      } catch {
        return [];
      }
    });
    const consts = called.flatMap((f) => model.functions.get(f)?.consts ?? []);
    if (consts.length > 0) functionConsts.set(n.name, consts);
  }

  const name = basename(dirname(file)) !== '.' && basename(file) === 'model.json' ? basename(dirname(file)) : basename(file).replace(/\.json$/i, '');
  const built = toLayerGraph(name || file, model, inferred, declared.map((d) => d.name), outputs, floatWeights, functionConsts, (m) => fail(`${file}: ${m}`));

  // What the reader of the report needs to know.
  const liveOps = new Set(built.graph.nodes.map((n) => n.className));
  if (built.controlFlow.size > 0 || model.functions.size > 0) {
    const loops = [...built.controlFlow].map(([op, k]) => `${op} x${k}`).join(', ');
    const fns = [...model.functions.values()];
    const fnText = fns.length > 0 ? `; ${plural(fns.length, 'library function')} (${fns.map((f) => f.name).join(', ')}: ${plural(fns.reduce((s, f) => s + f.ops.length, 0), 'op')}) are called, not analysed` : '';
    notes.push(
      `control flow: ${loops || 'none in the main graph'}${fnText}. Loops and branches are not walked as straight-line code: their ops are listed as unsupported, and what their outputs feed has unknown shapes`,
    );
  }
  const noRule = [...inferred.noRule].filter(([op]) => liveOps.has(op) && !CONTROL_FLOW.has(op));
  if (noRule.length > 0) notes.push(`dnarch has no shape rule for ${noRule.map(([op, k]) => `${op} (x${k})`).join(', ')}: their outputs and what depends on them are unknown`);
  const needed = [...inferred.missingValues];
  if (missing.length > 0) {
    const which = needed.length > 0
      ? `; shapes depend on the values of ${plural(needed.length, 'constant')} held there (first: ${JSON.stringify(needed[0][0])}, read by ${JSON.stringify(needed[0][1])})`
      : '; no shape depends on them';
    notes.push(`weights: ${plural(missing.length, 'shard')} not beside model.json (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}): constants' values are unknown${which}`);
  }
  if (built.unknownShapes > 0) notes.push(`${plural(built.unknownShapes, 'node')} have shapes that are not fully known: their costs are not counted`);
  const quantized = ['uint8', 'uint16', 'float16'].filter((d) => paramsByDtype.has(d));
  if (quantized.length > 0) {
    const total = [...paramsByDtype.values()].reduce((a, b) => a + b, 0);
    notes.push(`quantized: ${quantized.map((d) => `${(paramsByDtype.get(d) as number).toLocaleString('en-US')} of the ${total.toLocaleString('en-US')} parameters are stored as ${d}`).join(', ')}`);
  }
  if (config.tensors > 0) notes.push(`${plural(config.tensors, 'int32 constant')} (${plural(config.elements, 'element')}: shapes, axes, paddings) are configuration, counted apart from the parameters`);
  if (built.unread.length > 0) {
    const n = built.unread.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    notes.push(`${plural(built.unread.length, 'float weight')} (${plural(n, 'element')}) of the manifest are read by no op of the graph: not counted`);
    for (const w of built.unread) paramsByDtype.set(w.stored, (paramsByDtype.get(w.stored) ?? 0) - w.shape.reduce((a, b) => a * b, 1));
  }
  return {
    graph: built.graph,
    details: { ...model.details, nodes: String(model.nodes.length), ...(model.functions.size > 0 ? { functions: String(model.functions.size) } : {}) },
    notes,
    paramsByDtype: Object.fromEntries(paramsByDtype),
    constants: { config, quantization: { tensors: 0, elements: 0 } },
  };
}
