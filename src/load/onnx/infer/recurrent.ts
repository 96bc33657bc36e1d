/**
 * LSTM, GRU and RNN. X is [seq, batch, input] (layout 0) or [batch, seq, input] (layout 1,
 * opset 14+); W is [num_directions, gates * hidden, input], R [num_directions, gates * hidden, hidden].
 */
import { getChoice, getInt } from './attributes.js';
import { type Dim, fact, need, positive, type Shape, showShape } from './facts.js';
import type { InferRule } from './types.js';
import { ShapeError } from './types.js';

const dimAt = (s: Shape | null, i: number): Dim => (s === null ? null : s[i]);

const recurrent =
  (gates: number): InferRule =>
  (node, inputs, ctx) => {
    const x = need(inputs, 0, 'X');
    const w = need(inputs, 1, 'W');
    const r = inputs[2];
    if (x.shape !== null && x.shape.length !== 3) throw new ShapeError(`X should be 3-D, not of shape ${showShape(x.shape)}`);
    const direction = getChoice(node, 'direction', ['forward', 'reverse', 'bidirectional'], 'forward');
    const numDir = direction === 'bidirectional' ? 2 : 1;
    const wDir = dimAt(w.shape, 0);
    if (wDir !== null && wDir !== numDir) throw new ShapeError(`W has ${wDir} directions but direction is ${direction}`);
    const attr = getInt(node, 'hidden_size');
    const wRows = dimAt(w.shape, 1);
    let hidden: Dim = attr === undefined ? null : positive(attr, 'hidden_size');
    if (hidden !== null && wRows !== null && wRows !== gates * hidden) {
      throw new ShapeError(`W ${showShape(w.shape)} does not hold ${gates} gates of hidden size ${hidden}`);
    }
    if (hidden === null && wRows !== null) {
      if (wRows % gates !== 0) throw new ShapeError(`W ${showShape(w.shape)} does not hold ${gates} gates`);
      hidden = wRows / gates;
    }
    hidden ??= dimAt(r?.shape ?? null, 2);
    const layout = ctx.opset >= 14 ? getInt(node, 'layout', 0) : 0;
    if (layout !== 0 && layout !== 1) throw new ShapeError(`attribute "layout" is ${layout}, not 0 or 1`);
    const seq = dimAt(x.shape, layout === 0 ? 0 : 1);
    const batch = dimAt(x.shape, layout === 0 ? 1 : 0);
    const y = layout === 0 ? [seq, numDir, batch, hidden] : [batch, seq, numDir, hidden];
    const state = layout === 0 ? [numDir, batch, hidden] : [batch, numDir, hidden];
    return [fact(x.dtype, y), fact(x.dtype, state), fact(x.dtype, state)];
  };

export const RECURRENT_RULES: [string, InferRule][] = [
  ['LSTM', recurrent(4)],
  ['GRU', recurrent(3)],
  ['RNN', recurrent(1)],
];
