/**
 * Writes small TensorFlow.js graph models for tests, as tensorflowjs_converter lays them
 * out: model.json (nodes with attributes in protobuf's JSON form) and, when asked, the one
 * shard holding every constant in manifest order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
export const ints = (v: number[]) => ({ list: { i: v.map(String) } });
export const str = (s: string) => ({ s: b64(s) });
export const shapeJson = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });

export interface Const {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Defaults to a ramp (float) or zeros (int32). */
  values?: number[];
}

export type Node = { name: string; op: string; input?: string[]; attr?: Record<string, unknown> };

export const placeholder = (name: string, dims: number[]): Node => ({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shapeJson(dims) } } });

export const convAttrs = (padding: string, strides: number[], fused: string[] = [], extra: Record<string, unknown> = {}) => ({
  T: { type: 'DT_FLOAT' }, strides: ints(strides), dilations: ints([1, 1, 1, 1]), padding: str(padding), data_format: str('NHWC'),
  ...(fused.length ? { fused_ops: { list: { s: fused.map(b64) } }, num_args: { i: '1' } } : {}), ...extra,
});

export interface GraphSpec {
  nodes: Node[];
  consts?: Const[];
  /** Write the shard (default true). */
  shard?: boolean;
  signature?: unknown;
  library?: unknown;
  top?: Record<string, unknown>;
}

/** Writes dir/model.json (and dir/group1-shard1of1.bin); returns the model.json path. */
export function writeGraph(dir: string, spec: GraphSpec): string {
  mkdirSync(dir, { recursive: true });
  const consts = spec.consts ?? [];
  const constNodes: Node[] = consts.map((c) => {
    const dt = c.dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    return { name: c.name, op: 'Const', attr: { value: { tensor: { dtype: dt, tensorShape: shapeJson(c.shape) } }, dtype: { type: dt } } };
  });
  const model = {
    format: 'graph-model',
    generatedBy: 'test',
    convertedBy: 'test',
    ...(spec.signature !== undefined ? { signature: spec.signature } : {}),
    modelTopology: { node: [...constNodes, ...spec.nodes], ...(spec.library !== undefined ? { library: spec.library } : {}), versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: consts.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
    ...(spec.top ?? {}),
  };
  const file = join(dir, 'model.json');
  writeFileSync(file, JSON.stringify(model));
  if (spec.shard !== false) {
    const parts = consts.map((c) => {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const v = c.values ?? Array.from({ length: n }, (_, i) => (c.dtype === 'float32' ? ((i % 5) - 2) / 10 : 0));
      if (v.length !== n) throw new Error(`${c.name}: ${v.length} values for shape ${c.shape}`);
      return Buffer.from((c.dtype === 'float32' ? Float32Array.from(v) : Int32Array.from(v)).buffer);
    });
    writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat(parts));
  }
  return file;
}
