/**
 * Model-local functions (FunctionProto) are inlined before analysis: their bodies become
 * rows named `<call>/<inner>` in the block `<call>`, attribute references take the call's
 * value or the function's default, and runaway expansion is one BAD_INPUT line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { inlineFunctions, MAX_INLINED_NODES } from '../../../src/load/onnx/functions.js';
import type { OnnxFunction, OnnxModel } from '../../../src/load/onnx/ir.js';
import { analyzeModel, attr, AttrKind, cleanupModels, ElemType, failure, nodeMsg, OnnxModelBuilder, row, valueInfoMsg, type FunctionSpec } from './onnx-file.js';
import { makeNode, thrown } from './graph-builder.js';

afterAll(cleanupModels);

const LOCAL = 'local.fn';

/** Conv output length: floor((n + 2p - k) / s) + 1. */
const convOut = (n: number, k: number, s: number, p: number): number => Math.floor((n + 2 * p - k) / s) + 1;

/**
 * ConvBlock(X, W) = Relu(Conv(X, W)), with the Conv's pads from the caller's `pad` and its
 * strides from `stride` (default 2, in attribute_proto).
 */
const convBlock: FunctionSpec = {
  name: 'ConvBlock',
  domain: LOCAL,
  input: ['X', 'W'],
  output: ['Y'],
  attribute: ['pad'],
  attributeProto: [{ name: 'stride', type: AttrKind.INTS, ints: [2, 2] }],
  node: [
    nodeMsg('Conv', ['X', 'W'], ['C'], { pads: attr.ref('pad', AttrKind.INTS), strides: attr.ref('stride', AttrKind.INTS) }, { name: 'conv' }),
    nodeMsg('Relu', ['C'], ['Y'], {}, { name: 'relu' }),
  ],
  opsetImport: [{ domain: '', version: 17 }],
};

function twoBlocks(): OnnxModelBuilder {
  return new OnnxModelBuilder()
    .opsetImport(LOCAL)
    .fn(convBlock)
    .input('x', [1, 3, 16, 16])
    .f32('w1', [4, 3, 3, 3])
    .f32('w2', [8, 4, 3, 3])
    // block1: pad 1 from the call, stride 2 by default.
    .node('ConvBlock', ['x', 'w1'], ['h'], { pad: attr.ints([1, 1, 1, 1]) }, { name: 'block1', domain: LOCAL })
    // block2: pad 1 and stride 1, both from the call.
    .node('ConvBlock', ['h', 'w2'], ['z'], { pad: attr.ints([1, 1, 1, 1]), stride: attr.ints([1, 1]) }, { name: 'block2', domain: LOCAL })
    .node('Sigmoid', ['z'], ['y'], {}, { name: 'head' });
}

describe('inlining model-local functions', () => {
  it("makes the body's nodes rows named <call>/<inner>, in the block <call>", async () => {
    const { report } = await analyzeModel(twoBlocks());
    expect(report.layers.map((l) => l.name)).toEqual(['x', 'block1/conv', 'block1/relu', 'block2/conv', 'block2/relu', 'head']);
    expect(row(report, 'block1/conv').block).toEqual(['block1']);
    expect(row(report, 'block2/relu').block).toEqual(['block2']);
    expect(row(report, 'head').block).toEqual([]);
    expect(row(report, 'block1/conv').className).toBe('Conv');
    expect(report.unsupported).toEqual([]);
  });

  it("resolves attribute references: the call's value, else the function's default", async () => {
    const { report } = await analyzeModel(twoBlocks());
    const h1 = convOut(16, 3, 2, 1);
    const h2 = convOut(h1, 3, 1, 1);
    expect(row(report, 'block1/conv').outputShape).toEqual([1, 4, h1, h1]);
    expect(row(report, 'block2/conv').outputShape).toEqual([1, 8, h2, h2]);
    expect(row(report, 'head').outputShape).toEqual([1, 8, h2, h2]);
  });

  it("counts the inlined costs and the weights passed in as the function's inputs", async () => {
    const { report } = await analyzeModel(twoBlocks());
    const h1 = convOut(16, 3, 2, 1);
    const h2 = convOut(h1, 3, 1, 1);
    const macs1 = 1 * 4 * h1 * h1 * (3 * 3 * 3);
    const macs2 = 1 * 8 * h2 * h2 * (4 * 3 * 3);
    expect(row(report, 'block1/conv').macs).toBe(macs1);
    expect(row(report, 'block2/conv').macs).toBe(macs2);
    expect(report.totals.macs).toBe(macs1 + macs2);
    expect(row(report, 'block1/relu').flops).toBe(4 * h1 * h1);
    expect(report.totals.params.total).toBe(4 * 3 * 3 * 3 + 8 * 4 * 3 * 3);
    expect(row(report, 'block1/conv').params.total).toBe(4 * 3 * 3 * 3);
  });

  it('leaves an attribute out when neither the call nor the function gives it (the op default applies)', async () => {
    const m = new OnnxModelBuilder()
      .opsetImport(LOCAL)
      .fn(convBlock)
      .input('x', [1, 3, 16, 16])
      .f32('w', [4, 3, 3, 3])
      .node('ConvBlock', ['x', 'w'], ['h'], {}, { name: 'b', domain: LOCAL })
      .node('Relu', ['h'], ['y'], {}, { name: 'out' });
    const { report } = await analyzeModel(m);
    const h = convOut(16, 3, 2, 0);
    expect(row(report, 'b/conv').outputShape).toEqual([1, 4, h, h]);
  });

  it('inlines a function that calls another function: names and blocks nest', async () => {
    const outer: FunctionSpec = {
      name: 'Stage',
      domain: LOCAL,
      input: ['X', 'W'],
      output: ['Y'],
      node: [
        nodeMsg('ConvBlock', ['X', 'W'], ['B'], { pad: attr.ints([1, 1, 1, 1]), stride: attr.ints([1, 1]) }, { name: 'unit', domain: LOCAL }),
        nodeMsg('Neg', ['B'], ['Y'], {}, { name: 'neg' }),
      ],
      opsetImport: [{ domain: '', version: 17 }, { domain: LOCAL, version: 1 }],
    };
    const m = new OnnxModelBuilder()
      .opsetImport(LOCAL)
      .fn(outer)
      .fn(convBlock)
      .input('x', [1, 3, 8, 8])
      .f32('w', [4, 3, 3, 3])
      .node('Stage', ['x', 'w'], ['s'], {}, { name: 'stage1', domain: LOCAL })
      .node('Relu', ['s'], ['y'], {}, { name: 'top' });
    const { report } = await analyzeModel(m);
    expect(report.layers.map((l) => l.name)).toEqual(['x', 'stage1/unit/conv', 'stage1/unit/relu', 'stage1/neg', 'top']);
    expect(row(report, 'stage1/unit/conv').block).toEqual(['stage1', 'unit']);
    expect(row(report, 'stage1/neg').block).toEqual(['stage1']);
    expect(row(report, 'stage1/unit/conv').macs).toBe(1 * 4 * 8 * 8 * 27);
  });

  it('keeps the inner values of two calls that share a node name apart', async () => {
    // Node names are for diagnostics and need not be unique; values are what connect nodes.
    const m = new OnnxModelBuilder()
      .opsetImport(LOCAL)
      .fn(convBlock)
      .input('x', [1, 3, 16, 16])
      .f32('w1', [4, 3, 3, 3])
      .f32('w2', [4, 4, 3, 3])
      .node('ConvBlock', ['x', 'w1'], ['h'], { pad: attr.ints([1, 1, 1, 1]), stride: attr.ints([1, 1]) }, { name: 'block', domain: LOCAL })
      .node('ConvBlock', ['h', 'w2'], ['y'], { pad: attr.ints([1, 1, 1, 1]), stride: attr.ints([1, 1]) }, { name: 'block', domain: LOCAL });
    const { report } = await analyzeModel(m);
    const convs = report.layers.filter((l) => l.className === 'Conv');
    expect(convs).toHaveLength(2);
    // The second conv reads the first block's output, not its own.
    expect(convs.map((c) => c.macs)).toEqual([4 * 16 * 16 * 27, 4 * 16 * 16 * 36]);
    expect(report.totals.macs).toBe(4 * 16 * 16 * 27 + 4 * 16 * 16 * 36);
    expect(report.complete).toBe(true);
  });

  it("renames the function's values that an If inside its body reads from its subgraphs", async () => {
    // The branches read T, a value of the function body: after inlining it is call/T.
    const branch = (name: string, op: string) => ({
      name,
      node: [nodeMsg(op, ['T'], [`${name}_out`], {}, { name: `${name}_op` })],
      initializer: [],
      input: [],
      output: [valueInfoMsg(`${name}_out`, [1, 4])],
    });
    const gated: FunctionSpec = {
      name: 'Gated',
      domain: LOCAL,
      input: ['X', 'C'],
      output: ['Y'],
      node: [
        nodeMsg('Relu', ['X'], ['T'], {}, { name: 'relu' }),
        nodeMsg('If', ['C'], ['Y'], { then_branch: attr.graph(branch('then', 'Identity')), else_branch: attr.graph(branch('else', 'Neg')) }, { name: 'if' }),
      ],
      opsetImport: [{ domain: '', version: 17 }],
    };
    const m = new OnnxModelBuilder()
      .opsetImport(LOCAL)
      .fn(gated)
      .input('x', [1, 4])
      .input('c', [], ElemType.BOOL)
      .node('Gated', ['x', 'c'], ['h'], {}, { name: 'call', domain: LOCAL })
      .node('Sigmoid', ['h'], ['y'], {}, { name: 'out' });
    const { report } = await analyzeModel(m);
    expect(report.layers.map((l) => l.name)).toEqual(['x', 'c', 'call/relu', 'call/if', 'out']);
    expect(row(report, 'call/relu').flops).toBe(4);
    expect(row(report, 'call/if').note).toContain('control flow');
    expect(row(report, 'call/if').outputShape).toEqual([1, 4]);
  });

  it('finds functions by (domain, name) in a Map: a function named constructor, a call of __proto__', async () => {
    const ctor: FunctionSpec = { ...convBlock, name: 'constructor' };
    const m = new OnnxModelBuilder()
      .opsetImport(LOCAL)
      .fn(ctor)
      .input('x', [1, 3, 8, 8])
      .f32('w', [4, 3, 3, 3])
      .node('constructor', ['x', 'w'], ['h'], { pad: attr.ints([1, 1, 1, 1]) }, { name: 'c', domain: LOCAL })
      .node('__proto__', ['h'], ['y'], {}, { name: 'p', domain: LOCAL });
    const { report } = await analyzeModel(m);
    expect(row(report, 'c/conv').macs).toBe(4 * 4 * 4 * 27);
    expect(report.unsupported.map((u) => u.className)).toEqual([`${LOCAL}:__proto__`]);
  });
});

describe('runaway expansion: one BAD_INPUT line', () => {
  it('refuses a function that calls itself without end', async () => {
    const self: FunctionSpec = {
      name: 'Forever',
      domain: LOCAL,
      input: ['X'],
      output: ['Y'],
      node: [nodeMsg('Forever', ['X'], ['Y'], {}, { name: 'again', domain: LOCAL })],
      opsetImport: [{ domain: LOCAL, version: 1 }],
    };
    const m = new OnnxModelBuilder().opsetImport(LOCAL).fn(self).input('x', [1, 4]).node('Forever', ['x'], ['y'], {}, { name: 'f', domain: LOCAL });
    const msg = await failure(m, {}, 'BAD_INPUT');
    expect(msg).toContain('"Forever"');
    expect(msg).toContain('levels deep');
  });

  it('refuses mutual recursion too', async () => {
    const a: FunctionSpec = { name: 'A', domain: LOCAL, input: ['X'], output: ['Y'], node: [nodeMsg('B', ['X'], ['Y'], {}, { domain: LOCAL })], opsetImport: [] };
    const b: FunctionSpec = { name: 'B', domain: LOCAL, input: ['X'], output: ['Y'], node: [nodeMsg('A', ['X'], ['Y'], {}, { domain: LOCAL })], opsetImport: [] };
    const m = new OnnxModelBuilder().opsetImport(LOCAL).fn(a).fn(b).input('x', [1, 4]).node('A', ['x'], ['y'], {}, { name: 'f', domain: LOCAL });
    expect(await failure(m, {}, 'BAD_INPUT')).toContain('levels deep');
  });

  it('accepts a legitimate chain of nested functions ten deep', async () => {
    const fns: FunctionSpec[] = Array.from({ length: 10 }, (_, i) => ({
      name: `L${i}`,
      domain: LOCAL,
      input: ['X'],
      output: ['Y'],
      node: [i === 9 ? nodeMsg('Relu', ['X'], ['Y'], {}, { name: 'leaf' }) : nodeMsg(`L${i + 1}`, ['X'], ['Y'], {}, { name: `n${i + 1}`, domain: LOCAL })],
      opsetImport: [{ domain: '', version: 17 }, { domain: LOCAL, version: 1 }],
    }));
    const m = new OnnxModelBuilder().opsetImport(LOCAL).input('x', [1, 4]).node('L0', ['x'], ['h'], {}, { name: 'n0', domain: LOCAL }).node('Neg', ['h'], ['y'], {}, { name: 'neg' });
    fns.forEach((f) => m.fn(f));
    const { report } = await analyzeModel(m);
    const leaf = `${Array.from({ length: 10 }, (_, i) => `n${i}`).join('/')}/leaf`;
    expect(report.layers.map((l) => l.name)).toEqual(['x', leaf, 'neg']);
    expect(row(report, leaf).flops).toBe(4);
  });

  it('refuses a fan-out past the node limit', async () => {
    // Wide calls Leaf `fan` times; Leaf holds `fan` Relus: fan^2 nodes > MAX_INLINED_NODES.
    const fan = Math.ceil(Math.sqrt(MAX_INLINED_NODES)) + 1;
    expect(fan * fan).toBeGreaterThan(MAX_INLINED_NODES);
    const leaf: FunctionSpec = {
      name: 'Leaf',
      domain: LOCAL,
      input: ['X'],
      output: ['Y'],
      node: Array.from({ length: fan }, (_, i) => nodeMsg('Relu', ['X'], [i === 0 ? 'Y' : `r${i}`])),
      opsetImport: [{ domain: '', version: 17 }],
    };
    const wide: FunctionSpec = {
      name: 'Wide',
      domain: LOCAL,
      input: ['X'],
      output: ['Y'],
      node: Array.from({ length: fan }, (_, i) => nodeMsg('Leaf', ['X'], [i === 0 ? 'Y' : `l${i}`], {}, { domain: LOCAL })),
      opsetImport: [{ domain: LOCAL, version: 1 }],
    };
    const m = new OnnxModelBuilder().opsetImport(LOCAL).fn(wide).fn(leaf).input('x', [1, 4]).node('Wide', ['x'], ['y'], {}, { name: 'w', domain: LOCAL });
    const msg = await failure(m, {}, 'BAD_INPUT');
    expect(msg).toContain('more than');
    expect(msg).toContain('nodes');
  });
});

describe('inlineFunctions, called directly', () => {
  const model = (functions: OnnxFunction[], nodes = [makeNode('F', ['x'], ['y'], {}, { name: 'call', domain: LOCAL })]): OnnxModel => ({
    irVersion: 8,
    producerName: '',
    producerVersion: '',
    opsets: new Map([['', 17], [LOCAL, 1]]),
    graph: { name: 'g', nodes, initializers: new Map(), inputs: [], outputs: [], valueInfo: new Map() },
    functions,
  });

  it('returns the graph itself when there are no functions', () => {
    const m = model([]);
    expect(inlineFunctions(m, 'm.onnx')).toBe(m.graph);
  });

  it('maps formal inputs and outputs to the call, prefixes the rest, keeps optional inputs left out', () => {
    const f: OnnxFunction = {
      name: 'F',
      domain: LOCAL,
      input: ['A', 'OPT'],
      output: ['Z'],
      attributes: [],
      attributeDefaults: new Map(),
      nodes: [makeNode('Clip', ['A', 'OPT', ''], ['T'], {}, { name: 'clip' }), makeNode('Neg', ['T'], ['Z'])],
      opsets: new Map(),
    };
    const g = inlineFunctions(model([f]), 'm.onnx');
    expect(g.nodes.map((n) => [n.input, n.output])).toEqual([
      [['x', '', ''], ['call/T']],
      [['call/T'], ['y']],
    ]);
    expect(g.nodes[0].name).toBe('call/clip');
    expect(g.nodes[1].name.startsWith('call/')).toBe(true);
  });

  it('throws one BAD_INPUT line for recursion', () => {
    const f: OnnxFunction = {
      name: 'F',
      domain: LOCAL,
      input: ['A'],
      output: ['Z'],
      attributes: [],
      attributeDefaults: new Map(),
      nodes: [makeNode('F', ['A'], ['Z'], {}, { domain: LOCAL })],
      opsets: new Map(),
    };
    expect(thrown(() => inlineFunctions(model([f]), 'm.onnx'))).toContain('levels deep');
  });
});
