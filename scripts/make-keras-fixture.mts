// Writes fixtures/models/keras3/model.keras: a Keras 3 `.keras` archive as keras 3.10's
// `model.save()` lays it out, for a model nobody needs Python to rebuild:
//   Input 32x32x3 -> Conv2D 8 3x3 (valid) -> BatchNormalization -> ReLU
//   -> GlobalAveragePooling2D -> Dense 10 (softmax)
// Parameters (Keras' count, BatchNormalization's moving statistics included):
//   conv2d 3*3*3*8 + 8 = 224, batch_normalization 4*8 = 32, dense 8*10 + 10 = 90: 346.
//
// The archive, in the order Keras writes it (zipfile, ZIP_STORED):
//   metadata.json     {"keras_version": "3.10.0", "date_saved": ...}
//   config.json       fixtures/models/keras3/config.json (hand-written, Keras 3.10 format), minified
//   model.weights.h5  HDF5 in Keras 3's saving_lib layout: one group per saveable, named by
//                     snake_case(class name) with a counter (not by layer name), its variables
//                     in a `vars` group as datasets "0", "1", ... (trainable first, then
//                     non-trainable: BatchNormalization = gamma, beta, moving_mean,
//                     moving_variance); since Keras 3.6 each `vars` group carries a `name`
//                     attribute (the layer's name) and exists even when empty.
//
// No Python here, so the HDF5 file comes from writeHdf5() below: the classic format h5py
// writes by default (superblock 0, version-1 object headers, symbol-table groups with a
// version-1 B-tree, a local heap and symbol-table nodes; contiguous little-endian datasets).
// It is checked by reading it back with jsfive (test/load/keras-archive.test.ts); no libhdf5
// was available to check it against.
//
// Deterministic: fixed weight values, fixed zip timestamps (local-time components, so the
// DOS date does not depend on the time zone), fixed entry order.
// Run: npx tsx scripts/make-keras-fixture.mts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';

// ---------------------------------------------------------------------------------------------
// A minimal HDF5 writer

/** A dataset: float32 by default, stored contiguously. */
export interface H5Dataset {
  kind: 'dataset';
  shape: number[];
  data: Float32Array;
  /** 'opaque' writes a 2-byte opaque type (what a bfloat16 array would need); for tests. */
  type?: 'f4' | 'opaque';
  /** Declared dims when they must differ from `shape` (a lying file); for tests. */
  declaredShape?: number[];
  attrs?: Record<string, string>;
}
/** A group. Children are hard links: the same object under two names is one HDF5 object. */
export interface H5Group {
  kind: 'group';
  children: Map<string, H5Node>;
  attrs?: Record<string, string>;
}
export type H5Node = H5Group | H5Dataset;

export const group = (children: [string, H5Node][] = [], attrs?: Record<string, string>): H5Group => ({
  kind: 'group',
  children: new Map(children),
  ...(attrs ? { attrs } : {}),
});
export const dataset = (shape: number[], data: Float32Array | number[]): H5Dataset => ({
  kind: 'dataset',
  shape,
  data: data instanceof Float32Array ? data : Float32Array.from(data),
});

const UNDEF = 0xffffffffffffffffn;
const LEAF_K = 4; // group leaf node K: a symbol-table node holds up to 2K = 8 entries
const INTERNAL_K = 16; // group internal node K: a B-tree node has up to 2K = 32 children
const pad8 = (n: number): number => Math.ceil(n / 8) * 8;
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

class Out {
  buf = new Uint8Array(4096);
  view = new DataView(this.buf.buffer);
  end = 0;
  alloc(size: number): number {
    const at = this.end;
    this.end += pad8(size);
    if (this.end > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.end, this.buf.length * 2));
      bigger.set(this.buf);
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    }
    return at;
  }
  u8(at: number, v: number) { this.view.setUint8(at, v); }
  u16(at: number, v: number) { this.view.setUint16(at, v, true); }
  u32(at: number, v: number) { this.view.setUint32(at, v, true); }
  u64(at: number, v: number | bigint) { this.view.setBigUint64(at, BigInt(v), true); }
  bytes(at: number, b: Uint8Array) { this.buf.set(b, at); }
}

interface Message { type: number; body: Uint8Array }

function msg(type: number, size: number, fill: (v: DataView, b: Uint8Array) => void): Message {
  const body = new Uint8Array(pad8(size));
  fill(new DataView(body.buffer), body);
  return { type, body };
}

const float32Type = (): Message =>
  msg(0x03, 20, (v) => {
    v.setUint8(0, 0x11); // class 1 (floating point), version 1
    v.setUint8(1, 0x20); // little-endian, mantissa normalisation 2 (implied leading 1)
    v.setUint8(2, 31); // sign bit position
    v.setUint32(4, 4, true); // size
    v.setUint16(8, 0, true); // bit offset
    v.setUint16(10, 32, true); // precision
    v.setUint8(12, 23); // exponent location
    v.setUint8(13, 8); // exponent size
    v.setUint8(14, 0); // mantissa location
    v.setUint8(15, 23); // mantissa size
    v.setUint32(16, 127, true); // exponent bias
  });

const opaqueType = (): Message =>
  msg(0x03, 16, (v, b) => {
    v.setUint8(0, 0x15); // class 5 (opaque), version 1
    v.setUint8(1, 8); // tag length, NUL-terminated and padded to 8
    v.setUint32(4, 2, true); // size
    b.set(ascii('bf16'), 8);
  });

/** Fixed-length, null-padded string type (padding type 1, ASCII). */
function stringType(length: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint8(0, 0x13); // class 3 (string), version 1
  v.setUint8(1, 0x01); // null pad, ASCII
  v.setUint32(4, length, true);
  return b;
}

/** Version-1 dataspace: simple with the given dims, scalar when there are none. */
function dataspace(dims: number[]): Uint8Array {
  const b = new Uint8Array(8 + 8 * dims.length);
  const v = new DataView(b.buffer);
  v.setUint8(0, 1);
  v.setUint8(1, dims.length);
  dims.forEach((d, i) => v.setBigUint64(8 + 8 * i, BigInt(d), true));
  return b;
}

function attribute(name: string, value: string): Message {
  const nameBytes = ascii(name + '\0');
  const valueBytes = ascii(value);
  const type = stringType(Math.max(1, valueBytes.length));
  const space = dataspace([]);
  const size = 8 + pad8(nameBytes.length) + pad8(type.length) + pad8(space.length) + Math.max(1, valueBytes.length);
  return msg(0x0c, size, (v, b) => {
    v.setUint8(0, 1); // version 1
    v.setUint16(2, nameBytes.length, true);
    v.setUint16(4, type.length, true);
    v.setUint16(6, space.length, true);
    let at = 8;
    b.set(nameBytes, at), (at += pad8(nameBytes.length));
    b.set(type, at), (at += pad8(type.length));
    b.set(space, at), (at += pad8(space.length));
    b.set(valueBytes, at);
  });
}

/** Version-1 object header: 16-byte prefix, then messages (8-byte headers, 8-byte aligned bodies). */
function writeObjectHeader(out: Out, at: number, messages: Message[]) {
  const size = messages.reduce((s, m) => s + 8 + m.body.length, 0);
  out.u8(at, 1); // version
  out.u16(at + 2, messages.length);
  out.u32(at + 4, 1); // reference count
  out.u32(at + 8, size);
  let p = at + 16;
  for (const m of messages) {
    out.u16(p, m.type);
    out.u16(p + 2, m.body.length);
    out.bytes(p + 8, m.body);
    p += 8 + m.body.length;
  }
}
const objectHeaderSize = (messages: Message[]): number => 16 + messages.reduce((s, m) => s + 8 + m.body.length, 0);

const attrMessages = (attrs: Record<string, string> | undefined): Message[] =>
  Object.entries(attrs ?? {}).map(([k, v]) => attribute(k, v));

/** Compares names as libhdf5 does (strcmp on the bytes). */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

interface Placed { header: number; btree?: number; heap?: number }

/** Serialises a tree of groups and datasets into an HDF5 file (superblock version 0). */
export function writeHdf5(root: H5Group): Uint8Array {
  const out = new Out();
  const superblock = out.alloc(96);
  const placed = new Map<H5Node, Placed>();

  const placeDataset = (d: H5Dataset): Placed => {
    const dims = d.declaredShape ?? d.shape;
    const itemSize = d.type === 'opaque' ? 2 : 4;
    const bytes = d.shape.reduce((a, b) => a * b, 1) * itemSize;
    const layout = (address: number) =>
      msg(0x08, 18, (v) => {
        v.setUint8(0, 3); // version 3
        v.setUint8(1, 1); // contiguous
        v.setBigUint64(2, BigInt(address), true);
        v.setBigUint64(10, BigInt(dims.reduce((a, b) => a * b, 1) * itemSize), true);
      });
    const fill = msg(0x05, 4, (v) => {
      v.setUint8(0, 2); // version 2
      v.setUint8(1, 2); // allocation time: late
      v.setUint8(2, 2); // write fill value: if set by user
      v.setUint8(3, 0); // no fill value defined
    });
    const space = dataspace(dims);
    const messages = (address: number): Message[] => [
      { type: 0x01, body: (() => { const b = new Uint8Array(pad8(space.length)); b.set(space); return b; })() },
      d.type === 'opaque' ? opaqueType() : float32Type(),
      fill,
      layout(address),
      ...attrMessages(d.attrs),
    ];
    const header = out.alloc(objectHeaderSize(messages(0)));
    const p: Placed = { header };
    placed.set(d, p);
    const data = out.alloc(Math.max(bytes, 1));
    const raw = new Uint8Array(d.data.buffer, d.data.byteOffset, Math.min(d.data.byteLength, bytes));
    out.bytes(data, raw);
    writeObjectHeader(out, header, messages(data));
    return p;
  };

  const placeGroup = (g: H5Group): Placed => {
    const names = [...g.children.keys()].sort(byteOrder);
    if (names.length > 2 * LEAF_K * 2 * INTERNAL_K) throw new Error(`writeHdf5: a group of ${names.length} members needs a deeper B-tree than this writer makes`);
    const symbolTable = (btree: number, heap: number) =>
      msg(0x11, 16, (v) => {
        v.setBigUint64(0, BigInt(btree), true);
        v.setBigUint64(8, BigInt(heap), true);
      });
    const messages = (btree: number, heap: number) => [symbolTable(btree, heap), ...attrMessages(g.attrs)];
    const header = out.alloc(objectHeaderSize(messages(0, 0)));
    // Local heap: offset 0 is the empty string, then each name, NUL-terminated, 8-byte padded.
    const offsets = new Map<string, number>();
    let heapSize = 8;
    for (const n of names) offsets.set(n, heapSize), (heapSize += pad8(ascii(n).length + 1));
    const heap = out.alloc(32);
    const heapData = out.alloc(heapSize);
    out.bytes(heap, ascii('HEAP'));
    out.u64(heap + 8, heapSize);
    out.u64(heap + 16, UNDEF); // no free block
    out.u64(heap + 24, heapData);
    for (const n of names) out.bytes(heapData + offsets.get(n)!, ascii(n));
    // One leaf B-tree node whose children are symbol-table nodes of up to 2K entries each.
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += 2 * LEAF_K) chunks.push(names.slice(i, i + 2 * LEAF_K));
    if (chunks.length === 0) chunks.push([]);
    const btree = out.alloc(24 + (2 * INTERNAL_K + 1) * 8 + 2 * INTERNAL_K * 8);
    out.bytes(btree, ascii('TREE'));
    out.u8(btree + 4, 0); // group node
    out.u8(btree + 5, 0); // leaf
    out.u16(btree + 6, chunks.length);
    out.u64(btree + 8, UNDEF);
    out.u64(btree + 16, UNDEF);
    const snods = chunks.map(() => out.alloc(8 + 2 * LEAF_K * 40));
    let k = btree + 24;
    out.u64(k, 0);
    chunks.forEach((chunk, i) => {
      out.u64(k + 8, snods[i]);
      out.u64(k + 16, chunk.length ? offsets.get(chunk[chunk.length - 1])! : 0);
      k += 16;
    });
    const p: Placed = { header, btree, heap };
    placed.set(g, p);
    writeObjectHeader(out, header, messages(btree, heap));
    chunks.forEach((chunk, i) => {
      const s = snods[i];
      out.bytes(s, ascii('SNOD'));
      out.u8(s + 4, 1);
      out.u16(s + 6, chunk.length);
      chunk.forEach((n, j) => {
        const child = g.children.get(n)!;
        const c = placed.get(child) ?? place(child);
        const e = s + 8 + 40 * j;
        out.u64(e, offsets.get(n)!);
        out.u64(e + 8, c.header);
        if (c.btree !== undefined) {
          out.u32(e + 16, 1); // cache type 1: the group's B-tree and heap in the scratch pad
          out.u64(e + 24, c.btree);
          out.u64(e + 32, c.heap!);
        }
      });
    });
    return p;
  };

  const place = (n: H5Node): Placed => (n.kind === 'group' ? placeGroup(n) : placeDataset(n));
  const r = placeGroup(root);

  out.bytes(superblock, Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a));
  // superblock, free-space, root symbol table and shared-header versions 0; 8-byte offsets and lengths
  out.bytes(superblock + 8, Uint8Array.of(0, 0, 0, 0, 0, 8, 8, 0));
  out.u16(superblock + 16, LEAF_K);
  out.u16(superblock + 18, INTERNAL_K);
  out.u32(superblock + 20, 0); // consistency flags
  out.u64(superblock + 24, 0); // base address
  out.u64(superblock + 32, UNDEF); // free-space info
  out.u64(superblock + 40, out.end); // end of file
  out.u64(superblock + 48, UNDEF); // driver info
  out.u64(superblock + 56, 0); // root entry: link name offset
  out.u64(superblock + 64, r.header);
  out.u32(superblock + 72, 1);
  out.u64(superblock + 80, r.btree!);
  out.u64(superblock + 88, r.heap!);
  return out.buf.slice(0, out.end);
}

// ---------------------------------------------------------------------------------------------
// The fixture

/** Deterministic values, exact in float32: (i mod m - c) / 64, offset per variable. */
const ramp = (n: number, offset: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (((i + offset) % 17) - 8) / 64);
const fill = (n: number, v: number): Float32Array => new Float32Array(n).fill(v);

/** The vars group of one saveable: datasets "0", "1", ... and Keras' `name` attribute. */
const vars = (name: string, ...arrays: [number[], Float32Array][]): H5Group =>
  group(arrays.map(([shape, data], i) => [String(i), dataset(shape, data)]), { name });

/** model.weights.h5 of the fixture model; group names as Keras' _save_container_state makes them. */
export function fixtureWeights(): H5Group {
  const layer = (name: string, ...arrays: [number[], Float32Array][]): H5Group => group([['vars', vars(name, ...arrays)]]);
  return group([
    [
      'layers',
      group([
        ['input_layer', layer('input_layer')],
        ['conv2d', layer('conv2d', [[3, 3, 3, 8], ramp(216, 0)], [[8], ramp(8, 1)])],
        [
          'batch_normalization',
          layer('batch_normalization', [[8], fill(8, 1)], [[8], fill(8, 0)], [[8], ramp(8, 3)], [[8], fill(8, 0.5)]),
        ],
        ['re_lu', layer('re_lu')],
        ['global_average_pooling2d', layer('global_average_pooling2d')],
        ['dense', layer('dense', [[8, 10], ramp(80, 5)], [[10], fill(10, 0)])],
      ]),
    ],
    ['vars', vars('functional')],
  ]);
}

/** Removes insignificant whitespace from JSON text, keeping every token as written (0.0 stays 0.0). */
export function minifyJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      out += c;
      inString = true;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const FIXTURE_DIR = here('../fixtures/models/keras3/');
export const FIXTURE_ARCHIVE = here('../fixtures/models/keras3/model.keras');

/** The bytes of fixtures/models/keras3/model.keras. */
export function buildFixtureArchive(): Uint8Array {
  const config = minifyJson(readFileSync(here('../fixtures/models/keras3/config.json'), 'utf8'));
  const metadata = JSON.stringify({ keras_version: '3.10.0', date_saved: '2025-06-01@12:00:00' });
  const mtime = new Date(2025, 5, 1, 12, 0, 0); // local components: the same DOS time in every zone
  const stored = { level: 0 as const, mtime };
  return zipSync(
    {
      'metadata.json': [ascii(metadata), stored],
      'config.json': [ascii(config), stored],
      'model.weights.h5': [writeHdf5(fixtureWeights()), stored],
    },
    stored,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(FIXTURE_ARCHIVE, buildFixtureArchive());
  console.log(`wrote ${FIXTURE_ARCHIVE}`);
}
