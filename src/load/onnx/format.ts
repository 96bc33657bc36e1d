import type { ModelFormat, OpenedModel, Sniff, FileOptions } from '../format.js';

/** ONNX files: a ModelProto, told by its first fields. */

/** ModelProto's top-level fields: field number -> wire type (0 varint, 2 length-delimited). */
const MODEL_FIELDS = new Map<number, number>([[1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2]]);

/**
 * True when the first bytes parse as ModelProto fields: known field numbers with their wire
 * types and an ir_version between 1 and 100. JSON, HDF5, zip, HTML and text all fail on
 * their first byte. A length past the end of the file after a valid first field is a
 * truncated ONNX file, for the ONNX reader to say so.
 */
export function looksLikeOnnx(head: Uint8Array, size: number): boolean {
  let pos = 0;
  const varint = (): number | undefined => {
    let v = 0;
    for (let shift = 0; shift < 63; shift += 7) {
      if (pos >= head.length) return undefined;
      const b = head[pos++];
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    return undefined;
  };
  let fields = 0;
  while (pos < head.length && fields < 4) {
    const tag = varint();
    if (tag === undefined) return fields > 0;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (MODEL_FIELDS.get(field) !== wire) return false;
    const value = varint();
    if (value === undefined) return fields > 0;
    if (field === 1 && (value < 1 || value > 100)) return false;
    if (wire === 2) {
      if (pos + value > size) return fields > 0;
      pos += value;
    }
    fields++;
  }
  return fields > 0;
}

async function openOnnxFormat(s: Sniff, opts: FileOptions): Promise<OpenedModel> {
  const { openOnnx } = await import('./open.js');
  const o = await openOnnx(s.file, opts);
  return {
    file: s.file,
    graph: o.graph,
    format: { name: 'onnx', details: o.details },
    notes: o.notes,
    engine: { analysis: 'dnarch ONNX shape inference', note: 'no weights are read: shapes are inferred from the graph, sizes from the file' },
    paramsByDtype: o.paramsByDtype,
    constants: o.constants,
    onnx: o,
  };
}

export const ONNX_FORMAT: ModelFormat = { name: 'onnx', match: (s) => looksLikeOnnx(s.head, s.size), open: openOnnxFormat };
