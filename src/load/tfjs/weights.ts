import { endianness } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DnarchError } from '../../errors.js';
import { notAModelContent } from '../magic.js';
import { readCapped, regularFileSize, resolveInside } from '../safe-path.js';

/**
 * Weights of a tfjs layers-model: the `weightsManifest` of its model.json and the binary
 * shards it names. Only bench and export need them; analysis never reads a shard.
 *
 * Format (tfjs-converter write_weights.py, tfjs-core io_utils decodeWeights): the manifest
 * is a list of groups; a group's shards, concatenated in order, hold its weights back to
 * back, little-endian, with no padding. A weight's `dtype` is its dtype in memory; when it
 * has `quantization`, the bytes are stored as `quantization.dtype` instead:
 *   - uint8 / uint16: value = q * scale + min (the converter's affine quantization; tfjs
 *     computes it in float64 and stores float32, and rounds to the nearest integer for
 *     int32 weights: Math.round(q * scale + min));
 *   - float16: IEEE 754 half precision, float32 weights only.
 */

export type WeightDtype = 'float32' | 'int32';
export type StoredDtype = 'float32' | 'int32' | 'uint8' | 'uint16' | 'float16';

export interface Weight {
  shape: number[];
  dtype: WeightDtype;
  values: Float32Array | Int32Array;
}

export interface ManifestSummary {
  groups: number;
  weights: number;
  /** Total elements over all weights: the parameter count as Keras counts it. */
  params: number;
  /** Bytes in the shards, by the dtype the bytes are stored as. */
  bytesByDtype: Partial<Record<StoredDtype, number>>;
  /** Bytes the shards should hold in all. */
  bytes: number;
  /** Bytes the decoded weights take in memory (4 per element). */
  decodedBytes: number;
}

export interface LoadWeightsOptions {
  /** Refuse manifests whose decoded weights (or shards) exceed this many bytes. Default 2 GiB. */
  maxTotalBytes?: number;
}

export const DEFAULT_MAX_WEIGHT_BYTES = 2 * 2 ** 30;

const BYTES: Record<StoredDtype, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

const quantizationSchema = z
  .object({
    dtype: z.string(),
    min: z.number().optional(),
    scale: z.number().optional(),
    original_dtype: z.string().optional(),
  })
  .loose();
const weightSchema = z
  .object({
    name: z.string(),
    shape: z.array(z.number()),
    dtype: z.string(),
    quantization: quantizationSchema.optional(),
  })
  .loose();
const manifestSchema = z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSchema) }).loose());

interface WeightSpec {
  name: string;
  where: string;
  shape: number[];
  elements: number;
  dtype: WeightDtype;
  stored: StoredDtype;
  min: number;
  scale: number;
  /** Byte offset in the group's concatenated shards. */
  offset: number;
  bytes: number;
}
interface GroupSpec {
  where: string;
  paths: string[];
  weights: WeightSpec[];
  bytes: number;
}

const jsonPath = (segments: readonly PropertyKey[]): string =>
  'weightsManifest' + segments.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');

const short = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}...` : s;
};

/** Validates a manifest and lays out every weight; touches no file. */
function parseManifest(manifest: unknown, file: string): { groups: GroupSpec[]; summary: ManifestSummary } {
  const fail = (where: string, problem: string) => new DnarchError('BAD_INPUT', `${file}: ${where}: ${problem}`);
  if (manifest === undefined || manifest === null) {
    throw new DnarchError('BAD_INPUT', `${file}: has no weightsManifest: the file holds a topology only, no weights`);
  }
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(jsonPath(issue.path), issue.message);
  }
  const groups: GroupSpec[] = [];
  const names = new Map<string, string>();
  const bytesByDtype: Partial<Record<StoredDtype, number>> = {};
  let params = 0;
  let bytes = 0;
  let count = 0;
  parsed.data.forEach((group, g) => {
    let offset = 0;
    const weights = group.weights.map((w, i): WeightSpec => {
      const where = jsonPath([g, 'weights', i]);
      if (w.dtype !== 'float32' && w.dtype !== 'int32') {
        throw fail(`${where}.dtype`, `${short(w.dtype)} is not a weight dtype dnarch reads (float32, int32)`);
      }
      let elements = 1;
      w.shape.forEach((d, k) => {
        if (!Number.isSafeInteger(d) || d < 0) {
          throw fail(`${where}.shape[${k}]`, `${short(d)} is not a non-negative integer dimension`);
        }
        elements *= d;
        if (!Number.isSafeInteger(elements)) {
          throw fail(`${where}.shape`, `${short(w.shape)} has more than 2^53 elements`);
        }
      });
      let stored: StoredDtype = w.dtype;
      let min = 0;
      let scale = 1;
      const q = w.quantization;
      if (q) {
        if (q.dtype === 'uint8' || q.dtype === 'uint16') {
          if (q.min === undefined || q.scale === undefined) {
            throw fail(`${where}.quantization`, `${q.dtype} quantization needs both min and scale`);
          }
          stored = q.dtype;
          min = q.min;
          scale = q.scale;
        } else if (q.dtype === 'float16') {
          if (w.dtype !== 'float32') {
            throw fail(`${where}.quantization.dtype`, `float16 quantization is for float32 weights, not ${w.dtype}`);
          }
          stored = 'float16';
        } else {
          throw fail(`${where}.quantization.dtype`, `${short(q.dtype)} is not a quantization dtype (uint8, uint16, float16)`);
        }
      }
      const previous = names.get(w.name);
      if (previous !== undefined) throw fail(`${where}.name`, `${short(w.name)} is also the name of ${previous}`);
      names.set(w.name, where);
      const size = elements * BYTES[stored];
      const spec: WeightSpec = { name: w.name, where, shape: [...w.shape], elements, dtype: w.dtype, stored, min, scale, offset, bytes: size };
      offset += size;
      params += elements;
      bytes += size;
      bytesByDtype[stored] = (bytesByDtype[stored] ?? 0) + size;
      count++;
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(params * 4)) {
        throw fail(where, 'the weights up to here have more than 2^53 bytes');
      }
      return spec;
    });
    groups.push({ where: jsonPath([g]), paths: group.paths, weights, bytes: offset });
  });
  return { groups, summary: { groups: groups.length, weights: count, params, bytesByDtype, bytes, decodedBytes: params * 4 } };
}

/**
 * True when a model.json's weightsManifest lists at least one weight; false when it has none
 * (absent, null, no groups, empty groups). A manifest that is there but malformed (an entry
 * null or not a group, a weight without a shape) is refused, naming the entry.
 */
export function manifestHasWeights(manifest: unknown, file = 'model.json'): boolean {
  if (manifest === undefined || manifest === null) return false;
  return parseManifest(manifest, file).summary.weights > 0;
}

/** Every weight of a manifest (validated as loadWeights does): name, shape, dtype in memory and as stored. */
export function manifestWeights(manifest: unknown, file = 'model.json'): { name: string; shape: number[]; elements: number; dtype: WeightDtype; stored: StoredDtype }[] {
  return parseManifest(manifest, file).groups.flatMap((g) => g.weights.map(({ name, shape, elements, dtype, stored }) => ({ name, shape, elements, dtype, stored })));
}

/**
 * Counts a manifest's parameters and shard bytes without reading a shard (validating it as
 * loadWeights does). `file` names the model file in error messages.
 */
export function summarizeManifest(manifest: unknown, file = 'model.json'): ManifestSummary {
  return parseManifest(manifest, file).summary;
}

/** One IEEE 754 half-precision value (its 16 bits) as a number: subnormals, ±0, ±Infinity and NaN included. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

let halfTable: Float32Array | undefined;
const halves = (): Float32Array => {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = float16ToNumber(h);
  }
  return halfTable;
};

const LITTLE_ENDIAN = endianness() === 'LE';

/** Decodes one weight from its group's bytes. */
function decode(w: WeightSpec, group: Uint8Array): Float32Array | Int32Array {
  const n = w.elements;
  const at = group.byteOffset + w.offset;
  const view = new DataView(group.buffer, at, w.bytes);
  const out = w.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  switch (w.stored) {
    case 'float32':
    case 'int32':
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(group.subarray(w.offset, w.offset + w.bytes));
      else if (out instanceof Int32Array) for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'float16': {
      const table = halves();
      for (let i = 0; i < n; i++) out[i] = table[view.getUint16(2 * i, true)];
      break;
    }
    case 'uint8':
    case 'uint16': {
      const { min, scale } = w;
      const wide = w.stored === 'uint16';
      const round = out instanceof Int32Array;
      for (let i = 0; i < n; i++) {
        const q = wide ? view.getUint16(2 * i, true) : group[w.offset + i];
        const v = q * scale + min;
        out[i] = round ? Math.round(v) : v;
      }
      break;
    }
  }
  return out;
}

/** The shard that breaks the converter's layout (equal shards, the last no larger), else the last. */
function oddShard(sizes: number[]): number {
  const last = sizes.length - 1;
  const counts = new Map<number, number>();
  for (const s of sizes.slice(0, last)) counts.set(s, (counts.get(s) ?? 0) + 1);
  let common = -1;
  let best = 0;
  for (const [s, c] of counts) if (c > best) [common, best] = [s, c];
  const odd = sizes.slice(0, last).findIndex((s) => s !== common);
  return odd >= 0 && counts.size > 1 ? odd : last;
}

function lengthProblem(group: GroupSpec, sizes: number[]): string | undefined {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === group.bytes) return undefined;
  const files = `${group.paths.length} file${group.paths.length === 1 ? '' : 's'} (${total} bytes)`;
  if (group.paths.length === 0) return `names no file, but its weights need ${group.bytes} bytes`;
  const oddIndex = oddShard(sizes);
  const odd = group.paths[oddIndex];
  if (total < group.bytes) {
    // Only a short last file leaves the earlier weights where the manifest puts them.
    const cut = oddIndex === sizes.length - 1 ? group.weights.find((w) => w.offset + w.bytes > total) : undefined;
    return (
      `its ${files} are ${group.bytes - total} bytes short of the ${group.bytes} its weights need: ` +
      `${short(odd)} looks truncated` +
      (cut ? `, and weight ${short(cut.name)} (bytes ${cut.offset}-${cut.offset + cut.bytes} of the group) is cut off` : '')
    );
  }
  return `its ${files} hold ${total - group.bytes} bytes more than the ${group.bytes} its weights need: ${short(odd)} is too long`;
}

/**
 * Reads and decodes the weights of a layers-model. `manifest` is the model.json's
 * `weightsManifest`; shard paths resolve against model.json's directory and must stay
 * inside it. Everything is validated before any byte is read: the manifest (zod, dtypes,
 * shapes), the total size against `maxTotalBytes`, every shard's existence, kind and
 * length. Quantized and float16 weights come back as float32 (int32 stays int32).
 */
export async function loadWeights(
  modelJsonPath: string,
  manifest: unknown,
  opts: LoadWeightsOptions = {},
): Promise<Map<string, Weight>> {
  const file = modelJsonPath;
  const max = opts.maxTotalBytes ?? DEFAULT_MAX_WEIGHT_BYTES;
  const { groups, summary } = parseManifest(manifest, file);
  if (summary.decodedBytes > max || summary.bytes > max) {
    throw new DnarchError(
      'BAD_INPUT',
      `${file}: weightsManifest: ${summary.params} weight values (${summary.bytes} bytes in the shards, ` +
        `${summary.decodedBytes} decoded) exceed the ${max}-byte limit for weights`,
    );
  }
  const dir = path.dirname(file);
  const at = (where: string, e: unknown): unknown =>
    e instanceof DnarchError ? new DnarchError('BAD_INPUT', `${file}: ${where}: ${e.message}`, { cause: e }) : e;

  // Every shard is found, checked and measured before anything is read.
  const shards: { real: string; size: number }[][] = [];
  for (const group of groups) {
    const found: { real: string; size: number }[] = [];
    for (const [i, p] of group.paths.entries()) {
      try {
        const real = await resolveInside(dir, p);
        found.push({ real, size: await regularFileSize(real) });
      } catch (e) {
        throw at(`${group.where}.paths[${i}]`, e);
      }
    }
    const problem = lengthProblem(group, found.map((s) => s.size));
    if (problem) {
      // A clone without git-lfs has small text pointers where the shards should be: say so.
      for (const [i, shard] of found.entries()) {
        if (shard.size > 1024) continue;
        const what = notAModelContent(await readCapped(shard.real, 1024));
        if (what) throw new DnarchError('BAD_INPUT', `${file}: ${group.where}.paths[${i}]: ${short(group.paths[i])} ${what}`);
      }
      throw new DnarchError('BAD_INPUT', `${file}: ${group.where}: ${problem}`);
    }
    shards.push(found);
  }

  const out = new Map<string, Weight>();
  for (const [g, group] of groups.entries()) {
    const bytes = new Uint8Array(group.bytes);
    let filled = 0;
    for (const [i, shard] of shards[g].entries()) {
      let data: Buffer;
      try {
        data = await readCapped(shard.real, shard.size);
      } catch (e) {
        throw at(`${group.where}.paths[${i}]`, e);
      }
      if (data.length !== shard.size) {
        throw new DnarchError('BAD_INPUT', `${file}: ${group.where}.paths[${i}]: ${short(group.paths[i])} changed while being read`);
      }
      bytes.set(data, filled);
      filled += data.length;
    }
    for (const w of group.weights) out.set(w.name, { shape: w.shape, dtype: w.dtype, values: decode(w, bytes) });
  }
  return out;
}
