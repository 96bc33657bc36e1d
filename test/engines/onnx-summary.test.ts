/**
 * summarizeOnnx on a ModelProto encoded here field by field with protobufjs' Writer, using
 * the field numbers of onnx.proto3 (ModelProto: 1 ir_version, 2 producer_name, 7 graph,
 * 8 opset_import; GraphProto: 1 node, 5 initializer; NodeProto: 4 op_type;
 * OperatorSetIdProto: 1 domain, 2 version).
 */
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { summarizeOnnx } from '../../src/engines/onnx-summary.js';

const { Writer } = protobuf;

const message = (build: (w: protobuf.Writer) => void): Uint8Array => {
  const w = Writer.create();
  build(w);
  return w.finish();
};
const node = (op: string, name: string) => message((w) => w.uint32((3 << 3) | 2).string(name).uint32((4 << 3) | 2).string(op));
const opset = (domain: string, version: number) =>
  message((w) => {
    if (domain) w.uint32((1 << 3) | 2).string(domain);
    w.uint32((2 << 3) | 0).int64(version);
  });

describe('summarizeOnnx', () => {
  it('counts nodes per op type, initializers, and reads the default-domain opset', () => {
    const graph = message((w) => {
      for (const [op, name] of [['Conv', 'c1'], ['Relu', 'r1'], ['Conv', 'c2'], ['Add', 'a'], ['Conv', 'c3']]) w.uint32((1 << 3) | 2).bytes(node(op, name));
      for (let i = 0; i < 4; i++) w.uint32((5 << 3) | 2).bytes(message((t) => t.uint32((8 << 3) | 2).string(`w${i}`)));
      w.uint32((2 << 3) | 2).string('g');
    });
    const model = message((w) => {
      w.uint32((1 << 3) | 0).int64(8);
      w.uint32((2 << 3) | 2).string('dnarch');
      w.uint32((8 << 3) | 2).bytes(opset('com.microsoft', 1));
      w.uint32((8 << 3) | 2).bytes(opset('', 17));
      w.uint32((7 << 3) | 2).bytes(graph);
    });
    const s = summarizeOnnx(model);
    expect(s).toEqual({ irVersion: 8, opset: 17, producer: 'dnarch', nodes: 5, opTypes: { Conv: 3, Add: 1, Relu: 1 }, initializers: 4 });
    expect(Object.keys(s.opTypes)).toEqual(['Conv', 'Add', 'Relu']);
  });

  it('says null when there is no default-domain opset', () => {
    expect(summarizeOnnx(message((w) => w.uint32((1 << 3) | 0).int64(7))).opset).toBeNull();
  });
});
