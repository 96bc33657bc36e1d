/**
 * Keras' own conversions of saved weights to the layout a Keras 2 layer holds, from
 * keras/engine/saving.py (Keras 2.2.4) preprocess_weights_for_loading and
 * _convert_rnn_weights: Keras 1's split recurrent arrays, Keras 1 'th' conv kernels,
 * Theano's flipped kernels, Theano-ordered kernels, CuDNNLSTM's double bias.
 *
 * Each works on shapes alone (data undefined: to check a file against a model without
 * reading a weight) and on the data (to load it), by the same code.
 */

export interface Arr {
  shape: number[];
  data?: Float32Array;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const strides = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
};

/** numpy.transpose(a, perm). */
export function transpose(a: Arr, perm: readonly number[]): Arr {
  const shape = perm.map((p) => a.shape[p]);
  if (!a.data) return { shape };
  const src = strides(a.shape);
  const out = new Float32Array(a.data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) at += idx[d] * src[perm[d]];
    out[o] = a.data[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return { shape, data: out };
}

/** numpy.concatenate(arrays, axis=-1). */
export function concatLast(arrays: readonly Arr[]): Arr {
  const rows = size(arrays[0].shape.slice(0, -1));
  const shape = [...arrays[0].shape.slice(0, -1), arrays.reduce((s, a) => s + (a.shape[a.shape.length - 1] ?? 1), 0)];
  if (arrays.some((a) => !a.data)) return { shape };
  const out = new Float32Array(size(shape));
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (const a of arrays) {
      const n = a.shape[a.shape.length - 1] ?? 1;
      out.set(a.data!.subarray(r * n, (r + 1) * n), o);
      o += n;
    }
  }
  return { shape, data: out };
}

/** The last axis split into n equal parts (numpy.hsplit of a 2-D kernel, split of a bias). */
function splitLast(a: Arr, n: number): Arr[] {
  const last = a.shape[a.shape.length - 1];
  const part = last / n;
  const shape = [...a.shape.slice(0, -1), part];
  if (!a.data) return Array.from({ length: n }, () => ({ shape }));
  const rows = a.data.length / last;
  return Array.from({ length: n }, (_, k) => {
    const out = new Float32Array(rows * part);
    for (let r = 0; r < rows; r++) out.set(a.data!.subarray(r * last + k * part, r * last + (k + 1) * part), r * part);
    return { shape, data: out };
  });
}

/** conv_utils.convert_kernel: every axis but the last two reversed (Theano convolves, TensorFlow correlates). */
export function flipKernel(a: Arr): Arr {
  if (!a.data || a.shape.length < 3) return a;
  const src = strides(a.shape);
  const spatial = a.shape.length - 2;
  const out = new Float32Array(a.data.length);
  const idx = new Array<number>(a.shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let d = 0; d < a.shape.length; d++) at += (d < spatial ? a.shape[d] - 1 - idx[d] : idx[d]) * src[d];
    out[o] = a.data[at];
    for (let d = a.shape.length - 1; d >= 0; d--) {
      if (++idx[d] < a.shape[d]) break;
      idx[d] = 0;
    }
  }
  return { shape: a.shape, data: out };
}

/** Keras 1 LSTM / ConvLSTM2D: 12 arrays (W, U, b per gate, gates i, c, f, o) as 3 (gates i, f, c, o). */
export const keras1Lstm = (w: Arr[]): Arr[] => [concatLast([w[0], w[6], w[3], w[9]]), concatLast([w[1], w[7], w[4], w[10]]), concatLast([w[2], w[8], w[5], w[11]])];

/** Keras 1 GRU: 9 arrays as 3. */
export const keras1Gru = (w: Arr[]): Arr[] => [concatLast([w[0], w[3], w[6]]), concatLast([w[1], w[4], w[7]]), concatLast([w[2], w[5], w[8]])];

/** One gate's input kernel from CuDNN's layout: kernel.T.reshape(kernel.shape, order='F'). */
function fromCudnnInput(k: Arr): Arr {
  if (!k.data) return k;
  const [rows, cols] = k.shape;
  const out = new Float32Array(k.data.length);
  // Read k.T (cols x rows) in Fortran order = k in C order; write (rows x cols) in Fortran order.
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out[i * cols + j] = k.data[i + j * rows];
  return { shape: k.shape, data: out };
}

/** CuDNNLSTM's weights (8 x units biases) as LSTM's (_convert_rnn_weights, from_cudnn=True). */
export function fromCudnnLstm(w: Arr[]): Arr[] {
  const kernel = concatLast(splitLast(w[0], 4).map(fromCudnnInput));
  const recurrent = concatLast(splitLast(w[1], 4).map((k) => transpose(k, [1, 0])));
  const halves = splitLast(w[2], 2);
  const bias: Arr = { shape: halves[0].shape };
  if (halves[0].data && halves[1].data) bias.data = halves[0].data.map((v, i) => v + halves[1].data![i]);
  return [kernel, recurrent, bias];
}

export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
