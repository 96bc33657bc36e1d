import type { io } from '@tensorflow/tfjs-core';
import { DnarchError } from '../errors.js';
import { asyncOps, intConstants, nodeProblem, type IntConstants } from '../load/tfjs/graph-run/facts.js';
import { graphInputs, sizeGraphInputs, type GraphSizing } from '../load/tfjs/graph-run/inputs.js';
import { readGraphWeights, type GraphWeightSpec } from '../load/tfjs/graph-run/weights.js';
import { shownPaths } from '../load/tfjs/shards.js';
import { DEFAULT_MAX_WEIGHT_BYTES } from '../load/tfjs/weights.js';
import { dirname } from 'node:path';
import type { InputSpec } from './engine.js';
import { mix, mulberry32 } from './seed-weights.js';

/**
 * A TensorFlow.js graph model (tensorflowjs_converter's output of a SavedModel or frozen
 * graph) made ready to run on the tfjs engines through tfjs-converter: what its IOHandler
 * gives (the model.json's topology and signature, the weights as dnarch's reader decoded
 * them), its inputs sized for a run, and whether it needs executeAsync. Onnxruntime does not
 * run these: dnarch converts layers models to ONNX, not TensorFlow graphs.
 */
export interface GraphFileModel {
  kind: 'tfjs-graph';
  /** The file as given. */
  name: string;
  file: string;
  /** Whole shapes at batch 1 (batchAxis false); `batchIndex` 0 where the file leaves the batch open; `dtype` what to feed. */
  inputs: InputSpec[];
  /** What tfjs-converter's loadGraphModel is given (an IOHandler's load()). */
  artifacts: io.ModelArtifacts;
  /** The ops that make tfjs-converter need executeAsync (control flow, dynamic shapes), empty when execute() runs it. */
  asyncOps: string[];
  weights: 'seeded' | 'file';
  note?: string;
  /** The file has weights that could not be used (shards missing): seeded ones stand in. */
  substituted?: true;
}

/**
 * Stand-in float weights when the shards are missing, deterministic per (seed, weight): for
 * kernels (rank 2 and more) uniform with variance gain / fan_in, the fan-in being every
 * dimension but the last (HWIO conv kernels, [in, out] MatMul weights), gain 2 (He) and 1
 * for rank 2 (a classifier head: the softmax is not saturated); biases and scalars in +-0.05.
 * A graph does not say which constant is a kernel, so this is the shape's guess: timing does
 * not depend on the values, but NaNs and infinities would make it mean nothing.
 */
function seededData(specs: GraphWeightSpec[], seed: number): ArrayBuffer {
  const out = new Float32Array(specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0));
  let at = 0;
  specs.forEach((s, index) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const fanIn = Math.max(1, s.shape.slice(0, -1).reduce((a, b) => a * b, 1));
    const limit = s.shape.length >= 2 ? Math.sqrt((3 * (s.shape.length === 2 ? 1 : 2)) / fanIn) : 0.05;
    const next = mulberry32(mix(seed, index));
    for (let i = 0; i < n; i++) out[at + i] = (2 * next() - 1) * limit;
    at += n;
  });
  return out.buffer;
}

/** The one line bench says when a graph's int32 constants are in shards that are not there. */
function needsShards(target: string, file: string, paths: string[], ints: IntConstants): DnarchError {
  const { count, values, example } = ints;
  const e = example ? `: e.g. ${JSON.stringify(example.name)}${example.readBy ? `, read by ${example.readBy}` : ''}` : '';
  return new DnarchError(
    'BAD_INPUT',
    `${target}: bench needs its weight shards (${shownPaths(paths)}: not in ${dirname(file)}): the graph keeps ${count} int32 constant${count === 1 ? '' : 's'} (${values} value${values === 1 ? '' : 's'}) in them (shapes, axes, paddings${e}), and those cannot be made up`,
  );
}

/**
 * A graph model file made ready to run: inputs sized (--input-shape, --input-size, --batch),
 * weights from its shards, or seeded with a note when every shard is missing and the graph
 * holds float weights only; one line (exit 2) when missing shards hold int32 constants.
 */
export async function graphFileModel(target: string, file: string, json: Record<string, unknown>, opts: GraphSizing & { seed?: number }): Promise<GraphFileModel> {
  const problem = nodeProblem(json);
  if (problem) throw new DnarchError('BAD_INPUT', `${file}: ${problem}: the graph cannot run`);
  // The weights first: missing shards that hold int32 constants are the end of it, whatever the sizes asked.
  const weights = await readGraphWeights(file, json);
  let specs: GraphWeightSpec[] = [];
  let data = new ArrayBuffer(0);
  let seeded: string | undefined;
  if (weights.kind === 'file') {
    ({ specs, data } = weights);
  } else if (weights.kind === 'missing') {
    const ints = intConstants(json);
    if (ints.count > 0) throw needsShards(target, file, weights.paths, ints);
    if (weights.bytes > DEFAULT_MAX_WEIGHT_BYTES) {
      throw new DnarchError('BAD_INPUT', `${target}: its ${weights.bytes} bytes of float32 weights are more than the ${DEFAULT_MAX_WEIGHT_BYTES}-byte limit: too large to seed for bench`);
    }
    specs = weights.specs;
    data = seededData(specs, opts.seed ?? 1);
    seeded = `its weight shards are missing (${shownPaths(weights.paths)}: not in ${dirname(file)}): seeded random weights stand in for them`;
  }
  const inputs = sizeGraphInputs(graphInputs(json, file), file, opts).map(
    (s): InputSpec => ({ name: s.name, shape: s.shape, batchAxis: false, ...(s.batchIndex !== undefined ? { batchIndex: s.batchIndex } : {}), dtype: s.dtype }),
  );
  const topology = json.modelTopology as Record<string, unknown>;
  const artifacts: io.ModelArtifacts = {
    // tfjs-converter reads `versions.producer` (for modelVersion only); older files may lack it.
    modelTopology: { ...topology, versions: typeof topology.versions === 'object' && topology.versions !== null ? topology.versions : {} },
    weightSpecs: specs,
    weightData: data,
    format: 'graph-model',
    ...(json.signature !== undefined ? { signature: json.signature as object } : {}),
    ...(json.userDefinedMetadata !== undefined ? { userDefinedMetadata: json.userDefinedMetadata as Record<string, object> } : {}),
    ...(json.modelInitializer !== undefined ? { modelInitializer: json.modelInitializer as object } : {}),
    ...(json.initializerSignature !== undefined ? { initializerSignature: json.initializerSignature as object } : {}),
  };
  return {
    kind: 'tfjs-graph',
    name: target,
    file,
    inputs,
    artifacts,
    asyncOps: asyncOps(json),
    ...(seeded ? { weights: 'seeded' as const, note: seeded, substituted: true as const } : { weights: 'file' as const }),
  };
}
