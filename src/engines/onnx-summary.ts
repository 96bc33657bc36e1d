import { decodeModel } from '../load/onnx/proto.js';

/** What an ONNX file holds: enough to tell a person what `export` wrote. */
export interface OnnxSummary {
  irVersion: number;
  /** Opset version of the default ('' or 'ai.onnx') domain. */
  opset: number | null;
  producer: string;
  nodes: number;
  /** Node count per op type, most frequent first. */
  opTypes: Record<string, number>;
  initializers: number;
}

/** Summarises a serialised ONNX ModelProto (decoded with the exporter's own schema); throws on bytes that are not one. */
export function summarizeOnnx(bytes: Uint8Array): OnnxSummary {
  const m = decodeModel(bytes);
  const nodes = m.graph?.node ?? [];
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  const opset = (m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    irVersion: Number(m.irVersion ?? 0),
    opset: opset ? Number(opset.version) : null,
    producer: m.producerName ?? '',
    nodes: nodes.length,
    opTypes: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    initializers: m.graph?.initializer?.length ?? 0,
  };
}
