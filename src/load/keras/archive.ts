import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { Inflate } from 'fflate';
import { DnarchError } from '../../errors.js';
import { jsonBeyondLimits, jsonLimitMessage } from '../limits.js';
import { isHdf5Magic, isZipMagic, jsonSyntaxReason, notAModelContent } from '../magic.js';

/**
 * Reads a Keras 3 `.keras` archive: a zip holding config.json (the model, serialised by
 * `keras.saving.serialize_keras_object`), metadata.json ({"keras_version", "date_saved"}),
 * model.weights.h5 (the variables, HDF5) and sometimes assets/.
 *
 * The zip is read from the file in place: the end-of-central-directory record and the
 * central directory first, then only the entries wanted, by position. Every entry's
 * declared sizes are checked against the caps before anything is inflated (entry count,
 * per-entry size, total, compression ratio, overlapping entries); an entry is then inflated
 * with fflate's streaming Inflate, stopping as soon as it produces more than it declared,
 * and its length and CRC-32 are checked. Nothing is ever written to disk, so entry names
 * cannot escape anywhere; names that would (absolute, `..`) are refused anyway, as a sign of
 * a hostile archive.
 *
 * The topology is returned as parsed JSON, not interpreted. Weights are read with jsfive
 * (a pure-JS HDF5 reader); when it cannot read them the result says "topology only" and why.
 */

export interface KerasArchiveLimits {
  /** The archive file itself (it is never read whole; this is a sanity bound). */
  archiveBytes: number;
  /** Entries listed in the central directory. */
  entries: number;
  /** The central directory, read whole. */
  centralDirectoryBytes: number;
  /** Declared uncompressed size of config.json. */
  configBytes: number;
  /** Declared uncompressed size of metadata.json. */
  metadataBytes: number;
  /** Declared uncompressed size of model.weights.h5. */
  weightsBytes: number;
  /** Declared uncompressed size of any other entry (assets, sharded weights...). */
  otherEntryBytes: number;
  /** Sum of the declared uncompressed sizes of all entries. */
  totalBytes: number;
  /** Uncompressed : compressed, for deflated entries over 1 MiB. */
  ratio: number;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;

export const KERAS_ARCHIVE_LIMITS: Readonly<KerasArchiveLimits> = Object.freeze({
  archiveBytes: 4 * GiB,
  entries: 10_000,
  centralDirectoryBytes: 16 * MiB,
  configBytes: 64 * MiB,
  metadataBytes: 1 * MiB,
  weightsBytes: 2 * GiB,
  otherEntryBytes: 2 * GiB,
  totalBytes: 4 * GiB,
  ratio: 200,
});

export interface KerasArchiveOptions {
  /** Read model.weights.h5 (default true). Analysis needs only the topology: pass false. */
  weights?: boolean;
  /** Tighter (or looser) caps than KERAS_ARCHIVE_LIMITS. */
  limits?: Partial<KerasArchiveLimits>;
}

/** One central-directory entry, as declared. */
export interface KerasArchiveEntry {
  readonly name: string;
  /** Declared uncompressed size. */
  readonly size: number;
  readonly compressedSize: number;
  /** 0 stored, 8 deflate. */
  readonly method: number;
}

/** One variable of a Keras 3 weights file: dataset `<path>/vars/<name>`. */
export interface KerasVariable {
  /** The dataset's name in its vars group: "0", "1", ... */
  readonly name: string;
  readonly shape: readonly number[];
  /** The HDF5 type as jsfive names it ("<f4", "<f2", "<i8"...); data is converted to float32. */
  readonly dtype: string;
  readonly data: Float32Array;
}

/** The variables of one saveable (a layer, a nested model): the datasets of `<path>/vars`. */
export interface KerasWeightGroup {
  /**
   * Keras' path of the saveable inside the weights file, as saving_lib builds it:
   * "layers/conv2d", "layers/functional/layers/dense_1"; "" for the model itself.
   * Group names come from class names, not layer names: see kerasWeightPaths().
   */
  readonly path: string;
  /** The layer's name, from the `name` attribute Keras >= 3.6 writes on each vars group. */
  readonly layerName?: string;
  /** In order: "0", "1", ... (numerically), then any other names. */
  readonly vars: readonly KerasVariable[];
}

export interface KerasWeights {
  /** By KerasWeightGroup.path, for every saveable with at least one variable. */
  weights?: Map<string, KerasWeightGroup>;
  /** Set instead of weights: 'topology only: <reason>' (one line). */
  weightsNote?: string;
}

export interface KerasArchive extends KerasWeights {
  readonly file: string;
  /** config.json, parsed, as Keras wrote it (a JSON object). */
  readonly config: unknown;
  /** metadata.json, parsed, when the archive has one. */
  readonly metadata?: unknown;
  /** metadata.json's keras_version, when it is a string. */
  readonly kerasVersion?: string;
  /** Central-directory order. */
  readonly entries: readonly KerasArchiveEntry[];
}

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';

export { isZipMagic } from '../magic.js';

/** Reads a `.keras` archive from disk. Throws DnarchError('BAD_INPUT') naming the file and the entry. */
export async function readKerasArchive(file: string, opts: KerasArchiveOptions = {}): Promise<KerasArchive> {
  const limits = { ...KERAS_ARCHIVE_LIMITS, ...opts.limits };
  // O_NONBLOCK: a FIFO named like an archive must not wait for a writer; it is refused below.
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch((e: NodeJS.ErrnoException) => {
    throw new DnarchError('BAD_INPUT', `cannot read ${file}: ${e.code ?? String(e)}`);
  });
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new DnarchError('BAD_INPUT', `${file} is not a regular file`);
    const size = s.size;
    if (size > limits.archiveBytes) {
      throw new DnarchError('BAD_INPUT', `${file}: the archive is ${size} bytes, over the ${limits.archiveBytes}-byte limit for a .keras archive`);
    }
    const source: Source = {
      size,
      async read(position, length) {
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(out, done, length - done, position + done);
          if (bytesRead === 0) throw new DnarchError('BAD_INPUT', `${file}: the file ended early (changed while being read?)`);
          done += bytesRead;
        }
        return out;
      },
    };
    return await readArchive(file, source, limits, opts);
  } finally {
    await handle.close();
  }
}

/** Same as readKerasArchive, from bytes already in memory; `file` is only used in messages. */
export async function readKerasArchiveBytes(file: string, bytes: Uint8Array, opts: KerasArchiveOptions = {}): Promise<KerasArchive> {
  const limits = { ...KERAS_ARCHIVE_LIMITS, ...opts.limits };
  if (bytes.length > limits.archiveBytes) {
    throw new DnarchError('BAD_INPUT', `${file}: the archive is ${bytes.length} bytes, over the ${limits.archiveBytes}-byte limit for a .keras archive`);
  }
  const source: Source = {
    size: bytes.length,
    read: async (position, length) => bytes.slice(position, position + length),
  };
  return readArchive(file, source, limits, opts);
}

// ---------------------------------------------------------------------------------------------
// Zip

interface Source {
  readonly size: number;
  /** Exactly `length` bytes at `position`, in a fresh buffer of their own. */
  read(position: number, length: number): Promise<Uint8Array>;
}

interface ZipEntry extends KerasArchiveEntry {
  readonly crc: number;
  readonly flags: number;
  readonly nameBytes: Uint8Array;
  readonly localHeader: number;
  /** Where the next entry's local header (or the central directory) starts. */
  end: number;
  /** Where its data starts (after the local header), once the local header is checked. */
  dataStart: number;
}

const u16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
/** A 64-bit little-endian size or offset; Infinity when it is beyond 2^53. */
function u64(b: Uint8Array, at: number): number {
  const hi = u32(b, at + 4);
  return hi >= 2 ** 21 ? Infinity : hi * 2 ** 32 + u32(b, at);
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;

const METHODS: Record<number, string> = { 1: 'shrink', 6: 'implode', 9: 'deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'zstd', 95: 'xz', 98: 'PPMd', 99: 'AES' };
const AS_CONFIG_HINT = 'a Keras 3 .keras file is a zip archive of config.json, metadata.json and model.weights.h5';

function bad(file: string, where: string, problem: string): DnarchError {
  return new DnarchError('BAD_INPUT', `${file}: ${where}: ${problem}`);
}

/** A name as it may be shown in a one-line message. */
const shown = (name: string): string => JSON.stringify(name).slice(1, -1).slice(0, 200);

/** Longest entry name: Keras writes config.json, metadata.json, model.weights.h5 and assets/<layer path>/<file>. */
const MAX_ENTRY_NAME_BYTES = 128;

function checkName(file: string, name: string, bytes: number): void {
  if (name === '') throw bad(file, '(entry with an empty name)', 'not a valid entry name');
  if (bytes > MAX_ENTRY_NAME_BYTES) {
    throw bad(file, `${shown(name.slice(0, 40))}...`, `entry name of ${bytes} bytes, longer than the ${MAX_ENTRY_NAME_BYTES} a .keras archive needs: refusing a hostile archive`);
  }
  if (name.includes('\0')) throw bad(file, shown(name), 'entry name contains a NUL byte');
  if (/^[\\/]/.test(name) || /^[A-Za-z]:/.test(name)) {
    throw bad(file, shown(name), 'absolute entry name (nothing is extracted, but no .keras archive has one: refusing a hostile archive)');
  }
  if (name.split(/[\\/]/).includes('..')) {
    throw bad(file, shown(name), "entry name climbs out of the archive with '..' (nothing is extracted, but no .keras archive has one: refusing a hostile archive)");
  }
}

function capFor(name: string, limits: KerasArchiveLimits): [number, string] {
  if (name === CONFIG) return [limits.configBytes, 'config.json'];
  if (name === METADATA) return [limits.metadataBytes, 'metadata.json'];
  if (name === WEIGHTS) return [limits.weightsBytes, 'model.weights.h5'];
  return [limits.otherEntryBytes, 'an archive entry'];
}

async function listEntries(file: string, src: Source, limits: KerasArchiveLimits): Promise<ZipEntry[]> {
  const tailLength = Math.min(src.size, 22 + 0xffff + 20);
  const tail = await src.read(src.size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === SIG_EOCD && i + 22 + u16(tail, i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const head = await src.read(0, Math.min(512, src.size));
    if (isHdf5Magic(head)) {
      throw new DnarchError(
        'BAD_INPUT',
        `${file}: this is an HDF5 file (a legacy Keras .h5 model?), not a zip archive: ${AS_CONFIG_HINT} (re-save with model.save("model.keras"), or export model.to_json())`,
      );
    }
    if (isZipMagic(head)) {
      throw new DnarchError('BAD_INPUT', `${file} is a .keras archive that is corrupt or truncated (it starts as a zip but has no end-of-central-directory record: download or copy it again)`);
    }
    const what = notAModelContent(head);
    if (what) throw new DnarchError('BAD_INPUT', `${file} ${what}`);
    throw new DnarchError('BAD_INPUT', `${file}: not a zip archive (no end-of-central-directory record): ${AS_CONFIG_HINT}`);
  }
  const eocdAt = src.size - tailLength + eocd;
  if (u16(tail, eocd + 4) !== 0 || u16(tail, eocd + 6) !== 0) {
    throw bad(file, 'end of central directory', 'multi-disk (split) zip archives are not supported');
  }
  let count = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  let cdEnd = eocdAt;
  if (u16(tail, eocd + 8) !== count) throw bad(file, 'end of central directory', `says ${u16(tail, eocd + 8)} entries on this disk but ${count} in all`);
  const loc = eocd - 20;
  const saturated = count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
  // A ZIP64 record is read whenever its locator is there, as zip tools (Python's zipfile) do.
  const hasLocator = loc >= 0 && u32(tail, loc) === SIG_ZIP64_LOCATOR;
  if (saturated && !hasLocator) throw bad(file, 'end of central directory', 'ZIP64 sizes without a ZIP64 locator');
  if (hasLocator) {
    const at = u64(tail, loc + 8);
    if (!(at + 56 <= eocdAt - 20)) throw bad(file, 'end of central directory', 'the ZIP64 record lies outside the archive');
    const z = await src.read(at, 56);
    if (u32(z, 0) !== SIG_ZIP64_EOCD) throw bad(file, 'end of central directory', 'no ZIP64 record where the locator points');
    const z64 = { count: u64(z, 32), cdSize: u64(z, 40), cdOffset: u64(z, 48) };
    if (u64(z, 24) !== z64.count) throw bad(file, 'ZIP64 end of central directory', `says ${u64(z, 24)} entries on this disk but ${z64.count} in all`);
    if (z64.count > limits.entries) throw bad(file, 'ZIP64 end of central directory', `lists ${z64.count} entries, more than the ${limits.entries} allowed`);
    const disagree = (['count', 'cdSize', 'cdOffset'] as const).find((k) => {
      const v = { count, cdSize, cdOffset }[k];
      return v !== (k === 'count' ? 0xffff : 0xffffffff) && v !== z64[k];
    });
    if (disagree) {
      throw bad(file, 'end of central directory', `the ZIP64 record and the end record disagree on the central directory (${disagree}: ${z64[disagree]} vs ${{ count, cdSize, cdOffset }[disagree]})`);
    }
    ({ count, cdSize, cdOffset } = z64);
    cdEnd = at;
  }
  if (count > limits.entries) {
    throw bad(file, 'central directory', `lists ${count} entries, more than the ${limits.entries} allowed`);
  }
  if (cdSize > limits.centralDirectoryBytes) {
    throw bad(file, 'central directory', `is ${cdSize} bytes, over the ${limits.centralDirectoryBytes}-byte limit`);
  }
  if (!(cdOffset + cdSize <= cdEnd)) throw bad(file, 'central directory', 'lies outside the archive (truncated or not a zip?)');
  const cd = await src.read(cdOffset, cdSize);

  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== SIG_CENTRAL) throw bad(file, 'central directory', `entry ${i + 1} of ${count} is missing or malformed`);
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc = u32(cd, p + 16);
    let compressedSize = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLength = u16(cd, p + 28);
    const extraLength = u16(cd, p + 30);
    const commentLength = u16(cd, p + 32);
    let localHeader = u32(cd, p + 42);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > cd.length) throw bad(file, 'central directory', `entry ${i + 1} of ${count} runs past its end`);
    const nameBytes = cd.slice(p + 46, p + 46 + nameLength);
    let name: string;
    try {
      name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1', { fatal: true }).decode(nameBytes);
    } catch {
      throw bad(file, 'central directory', `entry ${i + 1} of ${count} has a name that is not valid UTF-8`);
    }
    // ZIP64 extended information: the 64-bit values of the fields saturated above, in order.
    if (size === 0xffffffff || compressedSize === 0xffffffff || localHeader === 0xffffffff) {
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      let found = false;
      while (e + 4 <= extraEnd) {
        const id = u16(cd, e);
        const len = u16(cd, e + 2);
        if (id === 1) {
          let f = e + 4;
          const take = (): number => {
            if (f + 8 > e + 4 + len) throw bad(file, shown(name), 'ZIP64 extra field too short');
            const v = u64(cd, f);
            f += 8;
            return v;
          };
          if (size === 0xffffffff) size = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localHeader === 0xffffffff) localHeader = take();
          found = true;
          break;
        }
        e += 4 + len;
      }
      if (!found) throw bad(file, shown(name), 'ZIP64 sizes without a ZIP64 extra field');
    }
    p = next;

    checkName(file, name, nameLength);
    if (seen.has(name)) throw bad(file, shown(name), 'the entry appears twice in the archive');
    seen.add(name);
    if (flags & 0x1) throw bad(file, shown(name), 'encrypted entries are not supported');
    if (method !== 0 && method !== 8) {
      throw bad(file, shown(name), `compression method ${method}${METHODS[method] ? ` (${METHODS[method]})` : ''} is not supported (only stored and deflate, which Keras uses)`);
    }
    const [cap, what] = capFor(name, limits);
    if (size > cap) throw bad(file, shown(name), `declares ${size} bytes uncompressed, over the ${cap}-byte limit for ${what}`);
    total += size;
    if (total > limits.totalBytes) {
      throw bad(file, shown(name), `brings the declared uncompressed total to ${total} bytes, over the ${limits.totalBytes}-byte limit for an archive`);
    }
    if (method === 8 && size > MiB && size > limits.ratio * Math.max(compressedSize, 1)) {
      throw bad(file, shown(name), `declares ${size} bytes from ${compressedSize} compressed, a ratio over ${limits.ratio}:1 (a zip bomb?)`);
    }
    if (method === 0 && size !== compressedSize) {
      throw bad(file, shown(name), `stored (uncompressed) entry declares ${size} bytes but occupies ${compressedSize}`);
    }
    entries.push({ name, size, compressedSize, method, crc, flags, nameBytes, localHeader, end: cdOffset, dataStart: -1 });
  }
  if (p !== cd.length) throw bad(file, 'central directory', `holds ${cd.length - p} bytes more than its ${count} entries (the entry count is wrong)`);
  // Then where the entries are. They may not share bytes: pointing many entries at one
  // deflate stream is a zip-bomb technique.
  const byPosition = [...entries].sort((a, b) => a.localHeader - b.localHeader);
  byPosition.forEach((a, i) => {
    const b = byPosition[i + 1];
    const dataEnd = a.localHeader + 30 + a.nameBytes.length + a.compressedSize;
    if (!(dataEnd <= cdOffset)) {
      throw bad(file, shown(a.name), 'its data lies outside the archive (truncated, or not where the central directory says)');
    }
    if (b && dataEnd > b.localHeader) {
      throw bad(file, shown(b.name), `overlaps entry ${shown(a.name)} (overlapping entries are a zip-bomb technique)`);
    }
    if (b) a.end = b.localHeader;
  });
  for (const entry of byPosition) await checkLocalHeader(file, src, entry);
  return entries;
}

const SIG_DESCRIPTOR = 0x08074b50;

/**
 * An entry's local header must say what the central directory says (name, method, CRC and
 * sizes), and its data must fill the space up to the next entry exactly (after a data
 * descriptor if it has one): a size that lies, in either header, shows as a mismatch or a gap.
 * Sets entry.dataStart. Reads only headers, never the data.
 */
async function checkLocalHeader(file: string, src: Source, entry: ZipEntry): Promise<void> {
  const where = shown(entry.name);
  if (entry.localHeader + 30 > entry.end) throw bad(file, where, 'local header runs into the next entry');
  const fixed = await src.read(entry.localHeader, 30);
  if (u32(fixed, 0) !== SIG_LOCAL) throw bad(file, where, 'no local header where the central directory points (the archive is corrupt or truncated)');
  const nameLength = u16(fixed, 26);
  const extraLength = u16(fixed, 28);
  const dataStart = entry.localHeader + 30 + nameLength + extraLength;
  if (dataStart > entry.end) throw bad(file, where, 'local header runs into the next entry');
  const rest = await src.read(entry.localHeader + 30, nameLength + extraLength);
  const localName = rest.subarray(0, nameLength);
  if (nameLength !== entry.nameBytes.length || !localName.every((b, i) => b === entry.nameBytes[i])) {
    throw bad(file, where, 'the local header names a different entry than the central directory');
  }
  if (u16(fixed, 8) !== entry.method) throw bad(file, where, 'the local header and the central directory disagree on the compression method');
  const descriptor = (u16(fixed, 6) & 0x8) !== 0;
  if (!descriptor) {
    let compressedSize = u32(fixed, 18);
    let size = u32(fixed, 22);
    if (size === 0xffffffff || compressedSize === 0xffffffff) {
      for (let e = nameLength; e + 4 <= rest.length; e += 4 + u16(rest, e + 2)) {
        if (u16(rest, e) !== 1) continue;
        if (e + 4 + 16 > rest.length) throw bad(file, where, 'ZIP64 extra field of the local header too short');
        if (size === 0xffffffff) size = u64(rest, e + 4);
        if (compressedSize === 0xffffffff) compressedSize = u64(rest, e + 12);
        break;
      }
    }
    const lies = [
      u32(fixed, 14) !== entry.crc ? `CRC-32 ${u32(fixed, 14)} vs ${entry.crc}` : '',
      compressedSize !== entry.compressedSize ? `compressed size ${compressedSize} vs ${entry.compressedSize}` : '',
      size !== entry.size ? `size ${size} vs ${entry.size}` : '',
    ].filter(Boolean);
    if (lies.length > 0) throw bad(file, where, `the local header and the central directory disagree (${lies.join(', ')}): the archive is corrupt or forged`);
  }
  const dataEnd = dataStart + entry.compressedSize;
  const gap = entry.end - dataEnd;
  let fits = gap === 0;
  if (descriptor && (gap === 12 || gap === 16 || gap === 20 || gap === 24)) {
    const d = await src.read(dataEnd, Math.min(gap, 8));
    fits = u32(d, 0) === entry.crc || (u32(d, 0) === SIG_DESCRIPTOR && u32(d, 4) === entry.crc);
  }
  if (!fits) {
    throw bad(
      file,
      where,
      gap < 0
        ? 'its data runs into the next entry'
        : `its data does not end where the next entry starts (${gap} bytes more than the ${entry.compressedSize} declared): the declared size is wrong`,
    );
  }
  entry.dataStart = dataStart;
}

/** The entry's bytes, inflated, checked against its declared size and CRC-32. */
async function readEntry(file: string, src: Source, entry: ZipEntry): Promise<Uint8Array> {
  const where = shown(entry.name);
  const raw = await src.read(entry.dataStart, entry.compressedSize);

  let data: Uint8Array;
  if (entry.method === 0) data = raw;
  else {
    // Deflate expands at most ~1032:1, so an entry declaring far more than its compressed
    // size allows gets no more room than it could fill; the buffer grows if needed.
    let out = new Uint8Array(Math.min(entry.size, entry.compressedSize * 1032 + 1024));
    let written = 0;
    let ended = false;
    const inflater = new Inflate((chunk, final) => {
      if (written + chunk.length > entry.size) {
        throw bad(file, where, `inflates to more than the ${entry.size} bytes it declares (a zip bomb?)`);
      }
      if (written + chunk.length > out.length) {
        const bigger = new Uint8Array(Math.min(entry.size, Math.max(out.length * 2, written + chunk.length)));
        bigger.set(out.subarray(0, written));
        out = bigger;
      }
      out.set(chunk, written);
      written += chunk.length;
      if (final) ended = true;
    });
    // Small input pieces bound the output of one step (deflate expands at most ~1032:1).
    const STEP = 16 * 1024;
    try {
      if (raw.length === 0) inflater.push(raw, true);
      for (let at = 0; at < raw.length; at += STEP) inflater.push(raw.subarray(at, at + STEP), at + STEP >= raw.length);
    } catch (e) {
      if (e instanceof DnarchError) throw e;
      throw bad(file, where, `corrupt deflate data (${oneLine(e)})`);
    }
    if (!ended || written !== entry.size) {
      throw bad(file, where, `inflates to ${written} bytes, not the ${entry.size} it declares`);
    }
    data = out.length === written ? out : out.slice(0, written);
  }
  if (crc32(data) >>> 0 !== entry.crc) throw bad(file, where, 'CRC-32 mismatch: the archive is corrupt');
  return data;
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].slice(0, 200);
}

function parseJson(file: string, name: string, bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad(file, name, 'not valid UTF-8');
  }
  const beyond = jsonBeyondLimits(text);
  if (beyond) throw new DnarchError('BAD_INPUT', jsonLimitMessage(`${file}: ${name}`, beyond));
  try {
    return JSON.parse(text);
  } catch (e) {
    const what = notAModelContent(bytes.subarray(0, 512));
    throw bad(file, name, what ? `${what}, not JSON` : `not valid JSON: ${jsonSyntaxReason(e)}`);
  }
}

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

async function readArchive(file: string, src: Source, limits: KerasArchiveLimits, opts: KerasArchiveOptions): Promise<KerasArchive> {
  const entries = await listEntries(file, src, limits);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const configEntry = byName.get(CONFIG);
  if (!configEntry) {
    const names = entries.slice(0, 5).map((e) => shown(e.name));
    const listed = entries.length === 0 ? 'the archive is empty' : `it holds ${names.join(', ')}${entries.length > 5 ? ', ...' : ''}`;
    throw bad(file, CONFIG, `missing (${listed}): ${AS_CONFIG_HINT}`);
  }
  const config = parseJson(file, CONFIG, await readEntry(file, src, configEntry));
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw bad(file, CONFIG, `expected a JSON object (a serialised Keras model), got ${kindOf(config)}`);
  }
  const metadataEntry = byName.get(METADATA);
  const metadata = metadataEntry ? parseJson(file, METADATA, await readEntry(file, src, metadataEntry)) : undefined;
  const version = metadata && typeof metadata === 'object' ? (metadata as { keras_version?: unknown }).keras_version : undefined;

  const result: { -readonly [K in keyof KerasArchive]: KerasArchive[K] } = {
    file,
    config,
    entries: entries.map(({ name, size, compressedSize, method }) => ({ name, size, compressedSize, method })),
  };
  if (metadataEntry) result.metadata = metadata;
  if (typeof version === 'string') result.kerasVersion = version;
  if (opts.weights === false) return result;

  const weightsEntry = byName.get(WEIGHTS);
  if (!weightsEntry) {
    if (byName.has('model.weights.npz')) result.weightsNote = 'topology only: the weights are in model.weights.npz (NumPy format), which dnarch does not read';
    else if ([...byName.keys()].some((n) => n.endsWith('weights.json'))) result.weightsNote = 'topology only: the weights are sharded (model.weights.json and shards), which dnarch does not read';
    else result.weightsNote = `topology only: the archive has no ${WEIGHTS}`;
    return result;
  }
  const bytes = await readEntry(file, src, weightsEntry);
  Object.assign(result, await readKerasWeightsH5(WEIGHTS, bytes));
  return result;
}

// ---------------------------------------------------------------------------------------------
// Weights (HDF5, through jsfive)

/** The parts of jsfive's API used here (it ships no types). */
interface H5Object {
  readonly name: string;
  readonly attrs: Record<string, unknown>;
  readonly _dataobjects?: { readonly offset?: unknown };
}
interface H5Group extends H5Object {
  readonly keys: string[];
  get(path: string): H5Group | H5Dataset | null;
  readonly _links?: Record<string, unknown>;
}
interface H5Dataset extends H5Object {
  readonly shape: unknown;
  readonly dtype: unknown;
  readonly value: unknown;
}
interface Jsfive {
  File: new (buffer: ArrayBuffer, filename?: string) => H5Group;
  Dataset: abstract new (...args: never[]) => H5Dataset;
}

let jsfive: Promise<Jsfive> | undefined;
/** Loaded on first use: most commands never read weights. */
const loadJsfive = (): Promise<Jsfive> => (jsfive ??= import('jsfive' as string) as Promise<Jsfive>);

/** jsfive warns on the console about attribute types it cannot decode; core code never prints. */
function silently<T>(work: () => T): T {
  const saved = { log: console.log, warn: console.warn };
  console.log = console.warn = () => undefined;
  try {
    return work();
  } finally {
    Object.assign(console, saved);
  }
}

/** Top-level groups of a Keras weights file that hold model variables (optimizer state, metrics and loss trackers are skipped). */
const TOP_LEVEL = new Set(['layers', 'vars', '_layer_checkpoint_dependencies']);
const MAX_DEPTH = 64;
const MAX_OBJECTS = 200_000;

const DTYPE = /^[<>=|]?([fiu])(\d+)$/;
const ITEM_SIZES: Record<string, number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8] };

class TopologyOnly extends Error {}

/**
 * Reads the variables of a Keras 3 weights file (model.weights.h5 in a .keras archive, or a
 * `.weights.h5` file from model.save_weights()) with jsfive. Never throws for the content:
 * when the file cannot be read the result is weightsNote = 'topology only: <label>: <reason>'.
 * `label` names the file in that note.
 */
export async function readKerasWeightsH5(label: string, bytes: Uint8Array): Promise<KerasWeights> {
  const note = (reason: string): KerasWeights => ({ weightsNote: `topology only: ${label}: ${reason}` });
  if (!isHdf5Magic(bytes)) return note('not an HDF5 file (no HDF5 signature at its start)');
  const hdf5 = await loadJsfive();
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
  try {
    return { weights: silently(() => walkWeights(hdf5, new hdf5.File(buffer, label), buffer.byteLength)) };
  } catch (e) {
    if (e instanceof TopologyOnly) return note(e.message);
    // jsfive's assert() fails by calling its falsy argument: say what that means.
    const reason = oneLine(e).replace(/^thing is not a function$/, 'a consistency check failed');
    return note(`jsfive cannot read it (${reason}): corrupt, or HDF5 features it does not support`);
  }
}

function walkWeights(hdf5: Jsfive, root: H5Group, fileBytes: number): Map<string, KerasWeightGroup> {
  const weights = new Map<string, KerasWeightGroup>();
  const visited = new Set<unknown>();
  let objects = 0;
  let declaredBytes = 0;

  const identity = (o: H5Object): unknown => o._dataobjects?.offset;

  const readVars = (path: string, g: H5Group): void => {
    const names = g.keys.sort((a, b) => {
      const [x, y] = [/^\d+$/.test(a), /^\d+$/.test(b)];
      return x && y ? Number(a) - Number(b) : x ? -1 : y ? 1 : a < b ? -1 : a > b ? 1 : 0;
    });
    const vars: KerasVariable[] = [];
    for (const name of names) {
      if (typeof g._links?.[name] === 'string') continue; // soft link: Keras writes none
      if (++objects > MAX_OBJECTS) throw new TopologyOnly(`more than ${MAX_OBJECTS} HDF5 objects`);
      const d = g.get(name);
      if (!(d instanceof hdf5.Dataset)) continue;
      const where = `${path ? `${path}/` : ''}vars/${name}`;
      const dtype = d.dtype;
      const m = typeof dtype === 'string' ? DTYPE.exec(dtype) : null;
      const itemSize = m ? Number(m[2]) : 0;
      if (!m || !ITEM_SIZES[m[1]].includes(itemSize)) throw new TopologyOnly(`${where}: HDF5 type ${JSON.stringify(dtype)} is not supported`);
      const shape = d.shape;
      if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
        throw new TopologyOnly(`${where}: unreadable shape ${JSON.stringify(shape)}`);
      }
      const count = (shape as number[]).reduce((a, b) => a * b, 1);
      // Keras stores variables contiguous and uncompressed: they cannot declare more than the file holds.
      declaredBytes += count * itemSize;
      if (!(declaredBytes <= fileBytes)) {
        throw new TopologyOnly(`${where}: the datasets declare more bytes than the ${fileBytes}-byte file holds (compressed or corrupt)`);
      }
      const value = d.value;
      if (!Array.isArray(value) || value.length !== count) {
        throw new TopologyOnly(`${where}: jsfive read ${Array.isArray(value) ? value.length : 'no'} values for shape [${shape.join(', ')}]`);
      }
      vars.push({ name, shape: shape as number[], dtype: dtype as string, data: Float32Array.from(value as number[]) });
    }
    if (vars.length === 0) return;
    const attr = g.attrs?.name;
    const layerName = typeof attr === 'string' ? attr.replace(/\0+$/, '') : undefined;
    weights.set(path, { path, ...(layerName ? { layerName } : {}), vars });
  };

  const walk = (g: H5Group, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new TopologyOnly(`groups nested more than ${MAX_DEPTH} deep`);
    for (const key of g.keys) {
      if (depth === 0 && !TOP_LEVEL.has(key)) continue;
      if (typeof g._links?.[key] === 'string') continue; // soft link
      if (++objects > MAX_OBJECTS) throw new TopologyOnly(`more than ${MAX_OBJECTS} HDF5 objects`);
      const child = g.get(key);
      if (child === null || child instanceof hdf5.Dataset) continue; // Keras keeps datasets in vars groups only
      const id = identity(child);
      if (id !== undefined) {
        if (visited.has(id)) continue; // a group linked twice (or a cycle): its variables are listed once
        visited.add(id);
      }
      if (key === 'vars') readVars(path, child);
      else walk(child, path ? `${path}/${key}` : key, depth + 1);
    }
  };

  walk(root, '', 0);
  return weights;
}

// ---------------------------------------------------------------------------------------------
// Where each layer's variables are

export interface KerasWeightPath {
  /** The saveable's path in the weights file (KerasWeightGroup.path): "layers/conv2d". */
  readonly path: string;
  /** The layer's name, with its enclosing models' names: "mobilenetv2_1.00_224/Conv1". */
  readonly layer: string;
  readonly className: string;
}

/** Keras' naming.to_snake_case. */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/[^\p{L}\p{N}_]+/gu, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The weights-file path of every layer of a Keras 3 Functional or Sequential config (the
 * archive's config.json), nested models included, in config order. Keras 3's saving_lib
 * names each member of `model.layers` snake_case(class name), with _1, _2... for repeats
 * within one model (never by layer name: those are not reproducible); a Sequential's layers
 * omit its leading InputLayer; graph operations that are not layers (keras.ops) are not
 * members. Use KerasWeightGroup.layerName when present (Keras >= 3.6) and this otherwise.
 */
export function kerasWeightPaths(config: unknown): KerasWeightPath[] {
  const out: KerasWeightPath[] = [];
  const visit = (model: Record<string, unknown>, prefix: string, layerPrefix: string, depth: number): void => {
    const inner = model.config;
    if (!isRecord(inner) || !Array.isArray(inner.layers) || depth > MAX_DEPTH) return;
    const sequential = model.class_name === 'Sequential';
    const used = new Map<string, number>();
    inner.layers.forEach((layer: unknown, i: number) => {
      if (!isRecord(layer) || typeof layer.class_name !== 'string') return;
      if (sequential && i === 0 && layer.class_name === 'InputLayer') return;
      if (typeof layer.module === 'string' && /^keras(\.src)?\.ops(\.|$)/.test(layer.module)) return;
      const base = kerasSnakeCase(layer.class_name);
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      const key = n === undefined ? base : `${base}_${n + 1}`;
      const path = `${prefix}layers/${key}`;
      const cfg = isRecord(layer.config) ? layer.config : {};
      const name = typeof cfg.name === 'string' ? cfg.name : typeof layer.name === 'string' ? layer.name : key;
      out.push({ path, layer: layerPrefix + name, className: layer.class_name });
      visit(layer, `${path}/`, `${layerPrefix}${name}/`, depth + 1);
    });
  };
  if (isRecord(config)) visit(config, '', '', 0);
  return out;
}
