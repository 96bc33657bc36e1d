/**
 * inferShapes as a whole: ordering (out-of-order files, subgraph reads), the one-line
 * errors (cycles, dangling reads, duplicate writers, bad dims), ops without rules and the
 * file's declarations, hostile op types, and scale (20,000-node chains, 50,000 nodes).
 */
import { describe, expect, it } from 'vitest';
import { AttrKind } from '../../../src/load/onnx/ir.js';
import { inferShapes } from '../../../src/load/onnx/infer/infer.js';
import { RULE_ENTRIES, SHAPE_RULES } from '../../../src/load/onnx/infer/rules.js';
import {
  BOOL,
  checkFacts,
  F,
  GraphBuilder,
  I64,
  f32,
  graphAttr,
  i64,
  infer1,
  int,
  ints,
  makeNode,
  str,
  t,
  thrown,
  valueInfo,
} from './graph-builder.js';

describe('order', () => {
  it('puts producers before consumers when the file does not (keras2onnx files)', () => {
    const b = new GraphBuilder()
      .input('x', F, [1, 3])
      .node('Sigmoid', ['b'], ['c'], {}, { name: 'third' })
      .node('Relu', ['a'], ['b'], {}, { name: 'second' })
      .node('Neg', ['x'], ['a'], {}, { name: 'first' });
    const res = b.run();
    expect(res.order.map((n) => n.name)).toEqual(['first', 'second', 'third']);
    expect(res.facts.get('c')).toEqual({ dtype: F, shape: [1, 3] });
  });

  it('keeps file order where the graph leaves it free', () => {
    const b = new GraphBuilder().input('x', F, [2]);
    for (const name of ['p', 'q', 'r', 's']) b.node('Relu', ['x'], [name], {}, { name });
    b.node('Sum', ['s', 'p'], ['z'], {}, { name: 'z' });
    expect(b.run().order.map((n) => n.name)).toEqual(['p', 'q', 'r', 's', 'z']);
  });

  it('orders a node after the outer values its subgraph reads', () => {
    const then = new GraphBuilder().node('Identity', ['late'], ['t_out']).output('t_out', F, [4]).build('then');
    const other = new GraphBuilder().node('Identity', ['late'], ['e_out']).output('e_out', F, [4]).build('else');
    const b = new GraphBuilder()
      .input('cond', BOOL, [])
      .input('x', F, [4])
      .node('If', ['cond'], ['y'], { then_branch: graphAttr(then), else_branch: graphAttr(other) }, { name: 'if' })
      .node('Relu', ['x'], ['late'], {}, { name: 'producer' });
    const res = b.run();
    expect(res.order.map((n) => n.name)).toEqual(['producer', 'if']);
    expect(res.facts.get('y')).toEqual({ dtype: F, shape: [4] });
  });

  it('does not count names a subgraph defines itself as outer reads', () => {
    const body = new GraphBuilder().node('Relu', ['inner_in'], ['inner']).node('Neg', ['inner'], ['out']).output('out', F, null);
    body.inputs.push(valueInfo('inner_in', F, null));
    const b = new GraphBuilder()
      .input('cond', BOOL, [])
      .node('If', ['cond'], ['y'], { then_branch: graphAttr(body.build()), else_branch: graphAttr(body.build()) });
    expect(b.run().facts.get('y')).toEqual({ dtype: F, shape: null });
  });

  it('reports a subgraph read of a name nothing provides', () => {
    const body = new GraphBuilder().node('Relu', ['ghost'], ['out']).output('out', F, null).build();
    const b = new GraphBuilder()
      .input('cond', BOOL, [])
      .node('If', ['cond'], ['y'], { then_branch: graphAttr(body), else_branch: graphAttr(body) }, { name: 'branch' });
    expect(thrown(() => b.run())).toBe('node "branch" (If) reads "ghost", which no node, graph input or initializer provides');
  });
});

describe('graph errors', () => {
  it('names a cycle in data-flow order, starting from its first node in the file', () => {
    const b = new GraphBuilder()
      .input('x', F, [1])
      .node('Add', ['x', 'c'], ['a'], {}, { name: 'A' })
      .node('Relu', ['a'], ['b'], {}, { name: 'B' })
      .node('Neg', ['b'], ['c'], {}, { name: 'C' })
      .node('Relu', ['c'], ['d'], {}, { name: 'downstream' });
    expect(thrown(() => b.run())).toBe('node "A" (Add) is part of a cycle: "A" -> "B" -> "C" -> "A"');
  });

  it('reports a node that reads its own output as a cycle of one', () => {
    const b = new GraphBuilder().node('Relu', ['y'], ['y'], {}, { name: 'self' });
    expect(thrown(() => b.run())).toBe('node "self" (Relu) is part of a cycle: "self" -> "self"');
  });

  it('shortens a long cycle to one line', () => {
    const b = new GraphBuilder();
    for (let i = 0; i < 30; i++) b.node('Relu', [`v${(i + 29) % 30}`], [`v${i}`], {}, { name: `n${i}` });
    expect(thrown(() => b.run())).toBe('node "n0" (Relu) is part of a cycle: "n0" -> "n1" -> "n2" -> "n3" -> "n4" -> ... (30 nodes) -> "n0"');
  });

  it('reports a read of a name nothing provides', () => {
    const b = new GraphBuilder().input('x', F, [1]).node('Relu', ['x'], ['y'], {}, { name: 'ok' }).node('Add', ['y', 'nope'], ['z'], {}, { name: 'B' });
    expect(thrown(() => b.run())).toBe('node "B" (Add) reads "nope", which no node, graph input or initializer provides');
  });

  it('reports two nodes writing one name', () => {
    const b = new GraphBuilder().input('x', F, [1]).node('Relu', ['x'], ['y'], {}, { name: 'A' }).node('Neg', ['x'], ['y'], {}, { name: 'B' });
    expect(thrown(() => b.run())).toBe('node "B" (Neg) writes "y", which node "A" (Relu) also writes');
  });

  it('reports a node writing a graph input or an initializer, and one writing a name twice', () => {
    const b1 = new GraphBuilder().input('x', F, [1]).node('Relu', ['x'], ['x'], {}, { name: 'A' });
    expect(thrown(() => b1.run())).toBe('node "A" (Relu) writes "x", which is also a graph input');
    const b2 = new GraphBuilder().init('w', F, [1], [1]).node('Relu', ['w'], ['w'], {}, { name: 'A' });
    expect(thrown(() => b2.run())).toBe('node "A" (Relu) writes "w", which is also an initializer');
    const b3 = new GraphBuilder().input('x', F, [1]).node('Split', ['x'], ['y', 'y'], {}, { name: 'S' });
    expect(thrown(() => b3.run())).toBe('node "S" (Split) writes "y" twice');
  });

  it('names an unnamed node by its first output, and escapes names that would break the line', () => {
    const b = new GraphBuilder().input('x', F, [1, 2]).node('Transpose', ['x'], ['out\nname'], { perm: ints([0, 0]) });
    expect(thrown(() => b.run())).toBe('node "out\\nname" (Transpose): perm [0, 0] is not a permutation of 2 axes');
  });

  it('prefixes rule errors with the node and its op, domain included', () => {
    expect(thrown(() => infer1('Add', [f32(2, 3), f32(4)]))).toBe('node "n" (Add): shapes [2, 3] and [4] do not broadcast');
  });
});

describe('facts of the graph', () => {
  it('makes initializers facts with their values', () => {
    const b = new GraphBuilder().init('shape', I64, [2], [3, -1]).input('x', F, [6, 2]).node('Reshape', ['x', 'shape'], ['y']);
    const res = b.run();
    expect(res.facts.get('shape')).toEqual({ dtype: I64, shape: [2], value: [3, -1] });
    expect(res.facts.get('y')).toEqual({ dtype: F, shape: [3, 4] });
  });

  it('takes an initializer listed as a graph input as the initializer, unless the caller gives the input', () => {
    const b = new GraphBuilder().init('s', I64, [2], [2, 6]);
    b.inputs.push(valueInfo('s', I64, [2]));
    b.input('x', F, [3, 4]).node('Reshape', ['x', 's'], ['y']);
    expect(b.run().facts.get('y')).toEqual({ dtype: F, shape: [2, 6] });
    b.facts.set('s', i64([4, 3]));
    expect(b.run().facts.get('y')).toEqual({ dtype: F, shape: [4, 3] });
  });

  it('falls back to the declared input type when the caller gives no fact', () => {
    const b = new GraphBuilder().node('Relu', ['x'], ['y']);
    b.inputs.push(valueInfo('x', F, ['batch', 3, -1]));
    expect(b.run().facts.get('y')).toEqual({ dtype: F, shape: [null, 3, null] });
  });

  it('reports a dimension that is not a size at the first node that reads it', () => {
    const b = new GraphBuilder().input('x', F, [2, -3]).input('ok', F, [2]).node('Relu', ['ok'], ['a'], { }, { name: 'fine' }).node('Relu', ['x'], ['y'], {}, { name: 'reader' });
    expect(thrown(() => b.run())).toBe('node "reader" (Relu): input "x" has dimension -3, which is not a size');
    const c = new GraphBuilder().input('x', F, [2 ** 60]).node('Relu', ['x'], ['y'], {}, { name: 'r' });
    expect(thrown(() => c.run())).toBe(`node "r" (Relu): input "x" has dimension ${2 ** 60}, which is not a size`);
  });

  it('leaves out optional outputs named ""', () => {
    const res = new GraphBuilder().input('x', F, [1, 1, 4, 4]).node('MaxPool', ['x'], ['y', ''], { kernel_shape: ints([2, 2]) }).run();
    expect(res.facts.has('')).toBe(false);
    expect(res.facts.get('y')).toEqual({ dtype: F, shape: [1, 1, 3, 3] });
  });
});

describe('ops without rules', () => {
  it('gives unknown outputs to other domains and to unknown ops, and lists them', () => {
    const b = new GraphBuilder()
      .input('x', F, [1, 4])
      .node('Relu', ['x'], ['a'], {}, { domain: 'com.microsoft', name: 'ms' })
      .node('Relu', ['x'], ['b'], {}, { domain: 'ai.onnx', name: 'std' })
      .node('NoSuchOp', ['x'], ['c'], {}, { name: 'odd' });
    const res = b.run();
    expect(res.facts.get('a')).toEqual({ dtype: 0, shape: null });
    expect(res.facts.get('b')).toEqual({ dtype: F, shape: [1, 4] });
    expect(res.facts.get('c')).toEqual({ dtype: 0, shape: null });
    expect(res.noRule.map((r) => [r.node.name, r.declared])).toEqual([
      ['ms', false],
      ['odd', false],
    ]);
  });

  it('uses the file declarations for their outputs only when fully known', () => {
    const b = new GraphBuilder()
      .input('x', F, [1, 4])
      .node('FusedThing', ['x'], ['a', 'b'], {}, { domain: 'com.microsoft', name: 'two' })
      .node('FusedThing', ['x'], ['c'], {}, { domain: 'com.microsoft', name: 'one' })
      .node('Relu', ['x'], ['d'], {}, { name: 'has_rule' });
    const declared = new Map([
      ['a', t(F, [1, 8])],
      ['b', t(F, [null, 8])],
      ['c', t(I64, [2, 2])],
      ['d', t(F, [9, 9])],
    ]);
    const res = b.run(17, { declared });
    expect(res.facts.get('a')).toEqual({ dtype: F, shape: [1, 8] });
    expect(res.facts.get('b')).toEqual({ dtype: 0, shape: null });
    expect(res.facts.get('c')).toEqual({ dtype: I64, shape: [2, 2] });
    // Ops with a rule ignore declarations.
    expect(res.facts.get('d')).toEqual({ dtype: F, shape: [1, 4] });
    expect(res.noRule.map((r) => [r.node.name, r.declared])).toEqual([
      ['two', false],
      ['one', true],
    ]);
  });

  it('never finds a rule for Object.prototype names', () => {
    for (const op of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      expect(SHAPE_RULES.get(op)).toBeUndefined();
      const b = new GraphBuilder().input('x', F, [2]).node(op, ['x'], ['y'], {}, { name: 'h' });
      const res = b.run();
      expect(res.facts.get('y')).toEqual({ dtype: 0, shape: null });
      expect(res.noRule).toHaveLength(1);
    }
  });

  it('reads attributes named like Object.prototype members as absent', () => {
    const attrs = new Map([
      ['__proto__', { name: '__proto__', type: AttrKind.INT, i: 1 }],
      ['constructor', { name: 'constructor', type: AttrKind.STRING, s: 'x' }],
    ]);
    const g = { name: 'g', nodes: [makeNode('Softmax', ['x'], ['y'], attrs)], initializers: new Map(), inputs: [valueInfo('x', F, [2, 3])], outputs: [], valueInfo: new Map() };
    const res = inferShapes(g, new Map([['x', f32(2, 3)]]), { opset: 13 });
    expect(res.facts.get('y')).toEqual({ dtype: F, shape: [2, 3] });
  });
});

describe('registry', () => {
  it('registers each op once', () => {
    const seen = new Set<string>();
    const dup = RULE_ENTRIES.map(([op]) => op).filter((op) => (seen.has(op) ? true : (seen.add(op), false)));
    expect(dup).toEqual([]);
  });
});

describe('scale', () => {
  it('infers a 20,000-node chain written in reverse order without overflowing the stack', () => {
    const n = 20_000;
    const b = new GraphBuilder().input('v0', F, [1, 8]);
    for (let i = n; i >= 1; i--) b.node(i % 2 ? 'Relu' : 'Neg', [`v${i - 1}`], [`v${i}`]);
    const res = inferShapes(b.build(), b.facts, { opset: 17 });
    checkFacts(res.facts);
    expect(res.order).toHaveLength(n);
    expect(res.order[0].output[0]).toBe('v1');
    expect(res.facts.get(`v${n}`)).toEqual({ dtype: F, shape: [1, 8] });
  });

  it('reports a 20,000-node cycle without recursion', () => {
    const n = 20_000;
    const b = new GraphBuilder();
    for (let i = 0; i < n; i++) b.node('Relu', [`v${(i + n - 1) % n}`], [`v${i}`], {}, { name: `n${i}` });
    expect(thrown(() => b.run())).toContain('(20000 nodes) -> "n0"');
  });

  it('infers 50,000 nodes (convs, adds, shape chains) well under a second', () => {
    const b = new GraphBuilder().input('x', F, [1, 8, 16, 16]).init('w', F, [8, 8, 3, 3]).init('idx', I64, [], [0]);
    let cur = 'x';
    for (let i = 0; i < 10_000; i++) {
      b.node('Conv', [cur, 'w'], [`c${i}`], { pads: ints([1, 1, 1, 1]) });
      b.node('Add', [`c${i}`, cur], [`a${i}`]);
      b.node('Shape', [`a${i}`], [`s${i}`]);
      b.node('Gather', [`s${i}`, 'idx'], [`g${i}`], { axis: int(0) });
      b.node('Relu', [`a${i}`], [`r${i}`]);
      cur = `r${i}`;
    }
    const res = inferShapes(b.build(), b.facts, { opset: 17 });
    checkFacts(res.facts);
    expect(res.order).toHaveLength(50_000);
    expect(res.facts.get('r9999')).toEqual({ dtype: F, shape: [1, 8, 16, 16] });
    expect(res.facts.get('g9999')).toEqual({ dtype: I64, shape: [], value: [1] });
  });

  it('bounds folding work on a hostile chain over a big constant, yet still folds small shape values', () => {
    const big = Array.from({ length: 65_536 }, (_, i) => i);
    const b = new GraphBuilder().init('c', F, [65_536], big).init('one', F, [], [1]);
    let cur = 'c';
    for (let i = 0; i < 2_000; i++) {
      b.node('Add', [cur, 'one'], [`a${i}`]);
      cur = `a${i}`;
    }
    b.node('Shape', [cur], ['shape']).node('Cast', ['shape'], ['cast'], { to: int(F) });
    const res = b.run();
    expect(res.facts.get('a0')?.value?.[5]).toBe(6);
    expect(res.facts.get('a1999')).toEqual({ dtype: F, shape: [65_536] });
    expect(res.facts.get('cast')).toEqual({ dtype: F, shape: [1], value: [65_536] });
  });

  it('never decodes an initializer no rule folds', () => {
    let decoded = 0;
    const b = new GraphBuilder().input('x', F, [1, 4]);
    b.initializers.set('w', { name: 'w', dataType: F, dims: [4, 4], size: 16, values: () => (decoded++, new Array(16).fill(0)) });
    b.node('MatMul', ['x', 'w'], ['y']);
    const res = inferShapes(b.build(), b.facts, { opset: 17 });
    expect(decoded).toBe(0);
    expect(res.facts.get('y')).toEqual({ dtype: F, shape: [1, 4] });
    expect(res.facts.get('w')?.value).toHaveLength(16);
    expect(decoded).toBe(1);
  });
});

describe('Constant attributes', () => {
  it('gives each kind of value its type and shape', () => {
    const c = (attrs: Parameters<typeof infer1>[2]) => infer1('Constant', [], attrs);
    expect(c({ value_float: { type: AttrKind.FLOAT, f: 0.5 } })).toEqual(t(F, [], [0.5]));
    expect(c({ value_floats: { type: AttrKind.FLOATS, floats: [1, 2] } })).toEqual(t(F, [2], [1, 2]));
    expect(c({ value_int: int(7) })).toEqual(t(I64, [], [7]));
    expect(c({ value_ints: ints([1, 2, 3]) })).toEqual(t(I64, [3], [1, 2, 3]));
    expect(c({ value_string: str('a') })).toEqual(t(8, []));
    expect(c({ value_strings: { type: AttrKind.STRINGS, strings: ['a', 'b'] } })).toEqual(t(8, [2]));
    expect(c({ value: { type: AttrKind.TENSOR, t: { name: '', dataType: I64, dims: [2], size: 2, values: () => [4, 5] } } })).toEqual(t(I64, [2], [4, 5]));
    expect(c({ sparse_value: { type: AttrKind.SPARSE_TENSOR, t: { name: '', dataType: F, dims: [10, 10], size: 100, values: () => undefined } } })).toEqual(t(F, [10, 10]));
    expect(thrown(() => c({}))).toBe('node "n" (Constant): Constant has no value attribute');
  });
});
