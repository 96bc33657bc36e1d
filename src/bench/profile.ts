import * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LayerReport } from '../analysis/types.js';
import { defaultFill, type InputSpec } from '../engines/engine.js';
import { percentile } from './stats.js';
import { defaultClock, type Clock } from './timing-loop.js';
import { modelRate, roofline } from './roofline.js';
import type { BenchProfile, ProfileLayer } from './types.js';

type AnyLayer = LayersModel['layers'][number];
interface SymbolicLike {
  id: number;
}
interface NodeLike {
  inputTensors: SymbolicLike[];
  outputTensors: SymbolicLike[];
  callArgs?: Record<string, unknown>;
}

/**
 * One pass of the model layer by layer, in the model's own topological order, on concrete
 * tensors, waiting for each layer's output (dataSync) before the next starts, so each
 * layer's time is its own. A nested model counts as one layer. Returns ms per layer name.
 */
function onePass(model: LayersModel, xs: tfc.Tensor[], clock: Clock): Map<string, number> {
  const values = new Map<number, tfc.Tensor>();
  model.inputs.forEach((s, i) => values.set((s as unknown as SymbolicLike).id, xs[i]));
  const times = new Map<string, number>();
  const made: tfc.Tensor[] = [];
  try {
    for (const layer of model.layers as AnyLayer[]) {
      if (layer.getClassName() === 'InputLayer') continue;
      for (const node of (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes) {
        const ins = node.inputTensors.map((s) => values.get(s.id));
        if (ins.some((t) => t === undefined)) continue; // a node of another model sharing this layer
        const t0 = clock();
        const out = layer.apply(ins.length === 1 ? ins[0]! : (ins as tfc.Tensor[]), { ...(node.callArgs ?? {}), training: false });
        const outs = (Array.isArray(out) ? out : [out]) as tfc.Tensor[];
        for (const o of outs) o.dataSync();
        times.set(layer.name, (times.get(layer.name) ?? 0) + clock() - t0);
        node.outputTensors.forEach((s, k) => values.set(s.id, outs[k]));
        made.push(...outs);
      }
    }
  } finally {
    tfc.dispose(made.filter((t) => !xs.includes(t)));
  }
  return times;
}

export interface ProfileOptions {
  engine: string;
  batch: number;
  repeats?: number;
  clock?: Clock;
  /** p50 of the unprofiled timed runs of the same engine and batch. */
  timedP50Ms?: number | null;
}

/**
 * Per-layer time on the active tfjs backend: `repeats` passes (after one extra, untimed
 * warm-up pass), the median per layer, with each layer's MACs and FLOPs from the analysis,
 * the FLOP rate it achieved and the bytes it moves (weights, inputs and output at float32,
 * from the analysis). No roofs: this machine's peaks are measured on onnxruntime, not here.
 */
export function profileLayers(model: LayersModel, specs: readonly InputSpec[], analysis: readonly LayerReport[], opts: ProfileOptions): BenchProfile {
  const repeats = opts.repeats ?? 3;
  const clock = opts.clock ?? defaultClock;
  const xs = specs.map((s, i) => {
    const shape = [opts.batch, ...s.shape];
    return tfc.tensor(defaultFill(i, shape), shape, 'float32');
  });
  try {
    onePass(model, xs, clock);
    const passes = Array.from({ length: repeats }, () => onePass(model, xs, clock));
    const cost = new Map(analysis.map((l) => [l.name, l]));
    const layers: ProfileLayer[] = [...passes[0].keys()].map((name) => {
      const ms = percentile(passes.map((p) => p.get(name) ?? 0).sort((a, b) => a - b), 50);
      const a = cost.get(name);
      const flops = a?.flops ?? 0;
      const inputs = (a?.inbound ?? []).reduce((s, n) => s + (cost.get(n)?.activationBytes ?? 0), 0);
      const bytes = (a ? a.params.total * 4 : 0) + (inputs + (a?.activationBytes ?? 0)) * opts.batch;
      return {
        name,
        className: a?.className ?? model.getLayer(name).getClassName(),
        mapped: true,
        layers: [name],
        ops: [a?.className ?? model.getLayer(name).getClassName()],
        block: a?.block ?? [],
        ms,
        share: 0,
        macs: a?.macs ?? 0,
        flops,
        ...roofline(flops * opts.batch, bytes, ms, null),
      };
    });
    const totalMs = layers.reduce((s, l) => s + l.ms, 0);
    for (const l of layers) l.share = totalMs > 0 ? l.ms / totalMs : 0;
    layers.sort((a, b) => b.ms - a.ms);
    const p50 = opts.timedP50Ms ?? null;
    const flops = analysis.reduce((s, l) => s + l.flops, 0);
    return {
      engine: opts.engine,
      method: 'layer-by-layer',
      batch: opts.batch,
      runs: repeats,
      repeats,
      totalMs,
      runMs: totalMs,
      timedP50Ms: p50,
      ...modelRate(flops * opts.batch, totalMs, p50, null),
      coverage: 1,
      unattributed: { layers: 0, macs: 0, names: [] },
      peaks: null,
      layers,
    };
  } finally {
    tfc.dispose(xs);
  }
}
