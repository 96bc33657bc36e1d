import type { Attrs } from '../attrs.js';
import { MAX_DIM } from '../attrs.js';
import type { TfNode } from '../model-json.js';
import { ShapeError } from './types.js';

/**
 * The sliding-window attributes of TensorFlow's conv and pool ops, in the order of
 * `data_format` (NHWC, NCHW, NDHWC, NCDHW): strides, dilations and ksize have one entry per
 * axis of the input; `padding` is SAME, VALID or EXPLICIT with `explicit_paddings`
 * (before, after per axis). Read per spatial axis, checked.
 */

export interface TfWindow {
  channelsFirst: boolean;
  /** Axes of the input that are spatial. */
  spatial: number[];
  channelAxis: number;
  strides: number[];
  dilations: number[];
  /** Pools: the window (ksize); convs: undefined (from the filter). */
  ksize?: number[];
  padding: 'SAME' | 'VALID' | 'EXPLICIT';
  /** With EXPLICIT: [before, after] per spatial axis. */
  pads: [number, number][];
}

function perAxis(attrs: Attrs, name: string, rank: number, spatial: number[], fallback: number): number[] {
  const v = attrs.ints(name);
  if (v === undefined || v.length === 0) return spatial.map(() => fallback);
  if (v.length !== rank) throw new ShapeError(`${name} has ${v.length} entries for a rank-${rank} input`);
  for (const x of v) if (x < 1 || x > MAX_DIM) throw new ShapeError(`${name} ${JSON.stringify(v)}: every entry must be 1..${MAX_DIM}`);
  return spatial.map((a) => v[a]);
}

export function readWindow(node: TfNode, rank: number, pool: boolean): TfWindow {
  const format = node.attrs.string('data_format') ?? (rank === 5 ? 'NDHWC' : 'NHWC');
  if (!/^N(HW|DHW|W)?C$|^NC(HW|DHW|W)$/.test(format)) throw new ShapeError(`data_format ${JSON.stringify(format)} is not one dnarch reads (NHWC, NCHW, NDHWC, NCDHW)`);
  if (format.length !== rank) throw new ShapeError(`data_format ${format} is for rank-${format.length} inputs, the input has rank ${rank}`);
  const channelsFirst = format[1] === 'C';
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + (channelsFirst ? 2 : 1));
  const padding = node.attrs.string('padding') ?? 'VALID';
  if (padding !== 'SAME' && padding !== 'VALID' && padding !== 'EXPLICIT') throw new ShapeError(`padding ${JSON.stringify(padding)} is not SAME, VALID or EXPLICIT`);
  let pads: [number, number][] = spatial.map(() => [0, 0]);
  if (padding === 'EXPLICIT') {
    const e = node.attrs.ints('explicit_paddings') ?? [];
    if (e.length !== 2 * rank) throw new ShapeError(`EXPLICIT padding needs ${2 * rank} explicit_paddings, it has ${e.length}`);
    if (e.some((x) => x < 0 || x > MAX_DIM)) throw new ShapeError(`explicit_paddings ${JSON.stringify(e)}: every entry must be 0..${MAX_DIM}`);
    pads = spatial.map((a) => [e[2 * a], e[2 * a + 1]]);
  }
  return {
    channelsFirst,
    spatial,
    channelAxis: channelsFirst ? 1 : rank - 1,
    strides: perAxis(node.attrs, 'strides', rank, spatial, 1),
    dilations: perAxis(node.attrs, 'dilations', rank, spatial, 1),
    ...(pool ? { ksize: perAxis(node.attrs, 'ksize', rank, spatial, 1) } : {}),
    padding,
    pads,
  };
}

/** Output length of a window of `k` over `n` (TensorFlow's GetWindowedOutputSize). */
export function windowOut(n: number | null, k: number, w: TfWindow, axis: number): number | null {
  if (n === null) return null;
  const span = w.dilations[axis] * (k - 1) + 1;
  const s = w.strides[axis];
  if (w.padding === 'SAME') return Math.ceil(n / s);
  const [pb, pa] = w.pads[axis];
  const out = Math.floor((n + pb + pa - span) / s) + 1;
  if (out < 1) throw new ShapeError(`a window of ${k}${w.dilations[axis] > 1 ? ` (dilated to ${span})` : ''} does not fit an input of ${n} (${w.padding} padding)`);
  return out;
}
