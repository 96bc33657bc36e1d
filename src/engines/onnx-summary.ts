import protobuf from 'protobufjs/minimal.js';

/**
 * What an ONNX file holds, read straight from its protobuf wire format (onnx.proto3 field
 * numbers), without a generated schema: enough to tell a person what `export` wrote.
 */
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

const { Reader } = protobuf;

/** Visits the fields of one message: fn(fieldNumber, wireType, reader) must read or skip the value. */
function fields(r: protobuf.Reader, end: number, fn: (field: number, wire: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (!fn(tag >>> 3, tag & 7)) r.skipType(tag & 7);
  }
}

function opsetOf(r: protobuf.Reader, end: number): { domain: string; version: number } {
  let domain = '';
  let version = 0;
  fields(r, end, (f, w) => {
    if (f === 1 && w === 2) domain = r.string();
    else if (f === 2 && w === 0) version = Number(r.int64());
    else return false;
    return true;
  });
  return { domain, version };
}

function opTypeOf(r: protobuf.Reader, end: number): string {
  let op = '';
  fields(r, end, (f, w) => {
    if (f === 4 && w === 2) op = r.string();
    else return false;
    return true;
  });
  return op;
}

/** Summarises a serialised ONNX ModelProto; throws on bytes that are not one. */
export function summarizeOnnx(bytes: Uint8Array): OnnxSummary {
  const r = Reader.create(bytes);
  const out: OnnxSummary = { irVersion: 0, opset: null, producer: '', nodes: 0, opTypes: {}, initializers: 0 };
  const counts = new Map<string, number>();
  fields(r, bytes.byteLength, (f, w) => {
    if (f === 1 && w === 0) out.irVersion = Number(r.int64());
    else if (f === 2 && w === 2) out.producer = r.string();
    else if (f === 8 && w === 2) {
      const end = r.uint32() + r.pos;
      const o = opsetOf(r, end);
      if (o.domain === '' || o.domain === 'ai.onnx') out.opset = o.version;
    } else if (f === 7 && w === 2) {
      const end = r.uint32() + r.pos;
      fields(r, end, (g, gw) => {
        if (g === 1 && gw === 2) {
          const op = opTypeOf(r, r.uint32() + r.pos);
          counts.set(op, (counts.get(op) ?? 0) + 1);
          out.nodes++;
        } else if (g === 5 && gw === 2) {
          out.initializers++;
          return false;
        } else return false;
        return true;
      });
    } else return false;
    return true;
  });
  out.opTypes = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return out;
}
