/**
 * Kernels to layers, on graphs shaped like the fusions ONNX Runtime 1.30 made of ResNet50
 * and MobileNetV2 here (the kernel names and their inputs are as its trace and its saved
 * optimized graph showed them): expected attributions written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { mapKernels, matchNode, type KernelRef } from '../../src/bench/kernel-map.js';
import type { NodeLayer } from '../../src/load/onnx/node-layers.js';

const n = (name: string, op: string, inputs: string[], layer = name.split('/')[0]): NodeLayer => ({ name, op, inputs, outputs: [name], layer, weightBytes: 0 });
const kernels = (...names: string[]): KernelRef[] => names.map((node, order) => ({ node, op: 'x', order }));
const attribution = (nodes: NodeLayer[], ks: KernelRef[]) => {
  const { kernelOfNode } = mapKernels(nodes, ks);
  return Object.fromEntries(nodes.map((x) => [x.name, kernelOfNode.get(x) ?? null]));
};

describe('matchNode', () => {
  const names = new Set(['conv1_relu/Relu', 'x', '/layer1/layer1.0/conv1/Conv']);
  it('takes the name itself, or the longest prefix cut at _ or /', () => {
    expect(matchNode('conv1_relu/Relu', names)).toBe('conv1_relu/Relu');
    expect(matchNode('conv1_relu/Relu_nchwc', names)).toBe('conv1_relu/Relu');
    expect(matchNode('x_token_12', names)).toBe('x');
    expect(matchNode('/layer1/layer1.0/conv1/Conv_nchwc', names)).toBe('/layer1/layer1.0/conv1/Conv');
  });
  it("ORT's own nodes match nothing", () => {
    expect(matchNode('ReorderOutput_token_108', names)).toBeUndefined();
    expect(matchNode('ReorderInput', names)).toBeUndefined();
  });
});

describe('mapKernels', () => {
  it("ResNet's first block: Conv+BN+ReLU as one kernel named after the ReLU; the shortcut's kernel takes the Add and the ReLU after it", () => {
    const nodes = [
      n('in/Transpose', 'Transpose', ['in']),
      n('c1/Conv', 'Conv', ['in/Transpose', 'w1']),
      n('b1/BatchNormalization', 'BatchNormalization', ['c1/Conv', 'g1']),
      n('r1/Relu', 'Relu', ['b1/BatchNormalization']),
      n('c3/Conv', 'Conv', ['r1/Relu', 'w3']),
      n('b3/BatchNormalization', 'BatchNormalization', ['c3/Conv']),
      n('c0/Conv', 'Conv', ['in/Transpose', 'w0']),
      n('b0/BatchNormalization', 'BatchNormalization', ['c0/Conv']),
      n('add/Add', 'Add', ['b0/BatchNormalization', 'b3/BatchNormalization']),
      n('out/Relu', 'Relu', ['add/Add']),
      n('next/Conv', 'Conv', ['out/Relu', 'w4']),
      n('next_relu/Relu', 'Relu', ['next/Conv']),
    ];
    // Execution order as ORT ran it: the shortcut's conv after the main path's, so it takes the sum.
    const ks = kernels('in/Transpose', 'r1/Relu_nchwc', 'b3/BatchNormalization_nchwc', 'b0/BatchNormalization_nchwc', 'ReorderOutput_token_3', 'next_relu/Relu_nchwc');
    expect(attribution(nodes, ks)).toEqual({
      'in/Transpose': 'in/Transpose',
      'c1/Conv': 'r1/Relu_nchwc',
      'b1/BatchNormalization': 'r1/Relu_nchwc',
      'r1/Relu': 'r1/Relu_nchwc',
      'c3/Conv': 'b3/BatchNormalization_nchwc',
      'b3/BatchNormalization': 'b3/BatchNormalization_nchwc',
      'c0/Conv': 'b0/BatchNormalization_nchwc',
      'b0/BatchNormalization': 'b0/BatchNormalization_nchwc',
      'add/Add': 'b0/BatchNormalization_nchwc',
      'out/Relu': 'b0/BatchNormalization_nchwc',
      'next/Conv': 'next_relu/Relu_nchwc',
      'next_relu/Relu': 'next_relu/Relu_nchwc',
    });
    expect(mapKernels(nodes, ks).matched.has('ReorderOutput_token_3')).toBe(false);
  });

  it("MobileNetV2's residual Add goes to the projection that fed it last, not to the next block's expansion it feeds", () => {
    const nodes = [
      n('prev/Add', 'Add', ['x', 'y']),
      n('expand/Conv', 'Conv', ['prev/Add']),
      n('expand_bn/BatchNormalization', 'BatchNormalization', ['expand/Conv']),
      n('expand_relu/Clip', 'Clip', ['expand_bn/BatchNormalization', 'min', 'max']),
      n('project/Conv', 'Conv', ['expand_relu/Clip']),
      n('project_bn/BatchNormalization', 'BatchNormalization', ['project/Conv']),
      n('add/Add', 'Add', ['prev/Add', 'project_bn/BatchNormalization']),
      n('next_expand/Conv', 'Conv', ['add/Add']),
      n('next_bn/BatchNormalization', 'BatchNormalization', ['next_expand/Conv']),
      n('next_relu/Clip', 'Clip', ['next_bn/BatchNormalization', 'min', 'max']),
    ];
    const ks = kernels('prev/Add', 'expand_relu/Clip_nchwc', 'project_bn/BatchNormalization_nchwc', 'next_relu/Clip_nchwc');
    const a = attribution(nodes, ks);
    expect(a['add/Add']).toBe('project_bn/BatchNormalization_nchwc');
    expect(a['expand/Conv']).toBe('expand_relu/Clip_nchwc');
    expect(a['next_expand/Conv']).toBe('next_relu/Clip_nchwc');
    expect(a['project/Conv']).toBe('project_bn/BatchNormalization_nchwc');
  });

  it('a Pad folded into the Conv after it goes to that Conv; a node with no way to a kernel stays unattributed', () => {
    const nodes = [
      n('pad/Pad', 'Pad', ['in', 'pads']),
      n('conv/Conv', 'Conv', ['pad/Pad']),
      n('branch/Conv', 'Conv', ['in']),
      n('left/Relu', 'Relu', ['branch/Conv']),
      n('right/Sigmoid', 'Sigmoid', ['branch/Conv']),
    ];
    // branch/Conv vanished and feeds two nodes, neither of which ran: nothing to attribute it to.
    const a = attribution(nodes, kernels('conv/Conv'));
    expect(a).toEqual({ 'pad/Pad': 'conv/Conv', 'conv/Conv': 'conv/Conv', 'branch/Conv': null, 'left/Relu': null, 'right/Sigmoid': null });
  });

  it("a kernel named after its node's output value (ORT's NCHWc naming), or with ORT's `fused ` prefix, is that node's", () => {
    const out = (name: string, op: string, inputs: string[], output: string): NodeLayer => ({ name, op, inputs, outputs: [output], layer: name, weightBytes: 0 });
    const nodes = [
      out('seq/conv/BiasAdd', 'Conv', ['x'], 'seq/conv/BiasAdd:0'),
      out('seq/relu/LeakyRelu', 'LeakyRelu', ['seq/conv/BiasAdd:0'], 'seq/relu/LeakyRelu:0'),
      out('seq/dense/MatMul', 'MatMul', ['seq/relu/LeakyRelu:0'], 'seq/dense/MatMul:0'),
      out('seq/dense/BiasAdd', 'Add', ['seq/dense/MatMul:0', 'b'], 'seq/dense/BiasAdd:0'),
    ];
    const a = attribution(nodes, kernels('seq/relu/LeakyRelu:0_nchwc', 'fused seq/dense/MatMul/MatMulAddFusion'));
    expect(a).toEqual({
      'seq/conv/BiasAdd': 'seq/relu/LeakyRelu:0_nchwc',
      'seq/relu/LeakyRelu': 'seq/relu/LeakyRelu:0_nchwc',
      'seq/dense/MatMul': 'fused seq/dense/MatMul/MatMulAddFusion',
      'seq/dense/BiasAdd': 'fused seq/dense/MatMul/MatMulAddFusion',
    });
  });

  it('nodes named like prototype keys are plain names', () => {
    const nodes = [n('constructor', 'Conv', ['x'], 'constructor'), n('__proto__', 'Relu', ['constructor'], '__proto__')];
    const { kernelOfNode } = mapKernels(nodes, kernels('__proto___nchwc'));
    expect(nodes.map((x) => [x.name, kernelOfNode.get(x)])).toEqual([['constructor', '__proto___nchwc'], ['__proto__', '__proto___nchwc']]);
  });
});
