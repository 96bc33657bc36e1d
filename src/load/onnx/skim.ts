import { closeSync, openSync, readSync } from 'node:fs';
import { regularFileSize } from '../safe-path.js';
import { DnarchError } from '../../errors.js';

/**
 * Reads an ONNX file for analysis without reading its weights. A ModelProto is one message
 * holding the graph, and the graph holds every initializer's raw_data inline: a 240 MB
 * ResNet-152 is 240 MB of weights around a few hundred kilobytes of structure. This walks
 * the protobuf wire format down the one path that holds weights (ModelProto.graph ->
 * GraphProto.initializer -> TensorProto.raw_data) and copies everything else, byte for
 * byte; a raw_data payload larger than SKIM_BYTES is left in the file and replaced by a
 * marker (field SKIPPED_FIELD: its offset and length), with every enclosing length
 * rewritten. protobufjs then decodes the small copy with the project's schema.
 *
 * Lengths are checked against their enclosing message and the file as they are read: a
 * length that lies is one error line, not a read past the end.
 */

/** Weights smaller than this stay inline: shape inference may need the values of small constants. */
export const SKIM_BYTES = 16 * 1024;

/** TensorProto field of the marker: a number no ONNX writer uses (the spec's fields stop at 16). */
export const SKIPPED_FIELD = 1001;

const CHUNK = 1 << 16;

/** Random access to a file through a 64 KiB window (synchronous: the walk makes many small reads). */
class FileReader {
  private buf = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  private fill(target: Buffer, pos: number): number {
    let got = 0;
    while (got < target.length) {
      const n = readSync(this.fd, target, got, target.length - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  private window(pos: number, n: number): void {
    if (pos >= this.start && pos + n <= this.start + this.buf.length) return;
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(Math.max(n, CHUNK), this.size - pos)));
    this.buf = buf.subarray(0, this.fill(buf, pos));
    this.start = pos;
  }

  byte(pos: number): number | undefined {
    this.window(pos, 1);
    return this.buf[pos - this.start];
  }

  /** `n` bytes at `pos`, as a copy (the window moves on). */
  bytes(pos: number, n: number): Buffer {
    if (n > CHUNK) {
      const out = Buffer.allocUnsafe(n);
      return out.subarray(0, this.fill(out, pos));
    }
    this.window(pos, n);
    return Buffer.from(this.buf.subarray(pos - this.start, pos - this.start + n));
  }
}

const varintBytes = (v: number): Buffer => {
  const out: number[] = [];
  let x = v;
  while (x >= 0x80) {
    out.push((x % 0x80) | 0x80);
    x = Math.floor(x / 0x80);
  }
  out.push(x);
  return Buffer.from(out);
};

/** A walk of one message's fields between `pos` and `end`, copying or transforming each. */
class Skimmer {
  constructor(
    private readonly r: FileReader,
    private readonly file: string,
  ) {}

  private fail(why: string): never {
    throw new DnarchError('BAD_INPUT', `${this.file} is not a valid ONNX model: ${why}`);
  }

  /** A varint at pos: its value and the position after it. */
  private varint(pos: number, end: number): [number, number] {
    let v = 0;
    for (let shift = 0, p = pos; shift < 64; shift += 7, p++) {
      const b = p < end ? this.r.byte(p) : undefined;
      if (b === undefined) this.fail(`a field at byte ${pos} runs past the end of its message (the file is truncated or corrupt)`);
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return [v, p + 1];
    }
    return this.fail(`a varint at byte ${pos} is longer than 10 bytes`);
  }

  /**
   * Copies the fields of the message in [pos, end). `nested(field)` says which
   * length-delimited fields to walk into (and how); `skip(field, length)` which to leave
   * in the file.
   */
  message(pos: number, end: number, rules: Rules): Buffer[] {
    const out: Buffer[] = [];
    let p = pos;
    while (p < end) {
      const fieldStart = p;
      const [tag, afterTag] = this.varint(p, end);
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (field === 0) this.fail(`an invalid tag (field number 0) at byte ${fieldStart}`);
      if (wire === 0) {
        const [, next] = this.varint(afterTag, end);
        out.push(this.r.bytes(fieldStart, next - fieldStart));
        p = next;
      } else if (wire === 1 || wire === 5) {
        const width = wire === 1 ? 8 : 4;
        if (afterTag + width > end) this.fail(`a field at byte ${fieldStart} runs past the end of its message (the file is truncated or corrupt)`);
        out.push(this.r.bytes(fieldStart, afterTag + width - fieldStart));
        p = afterTag + width;
      } else if (wire === 2) {
        const [length, start] = this.varint(afterTag, end);
        if (start + length > end) {
          this.fail(`a length at byte ${afterTag} says ${length} bytes, past the end of its message at byte ${end} (the file is truncated or corrupt)`);
        }
        const inner = rules.nested?.get(field);
        if (inner) {
          const parts = this.message(start, start + length, inner);
          const n = parts.reduce((s, b) => s + b.length, 0);
          out.push(varintBytes(tag), varintBytes(n), ...parts);
        } else if (rules.skip?.(field, length)) {
          const marker = Buffer.concat([Buffer.from([0x08]), varintBytes(start), Buffer.from([0x10]), varintBytes(length)]);
          out.push(varintBytes(SKIPPED_FIELD * 8 + 2), varintBytes(marker.length), marker);
        } else {
          out.push(this.r.bytes(fieldStart, start + length - fieldStart));
        }
        p = start + length;
      } else {
        this.fail(`wire type ${wire} at byte ${fieldStart} has no place in a ModelProto`);
      }
    }
    return out;
  }
}

interface Rules {
  nested?: Map<number, Rules>;
  skip?: (field: number, length: number) => boolean;
}

const TENSOR: Rules = { skip: (field, length) => field === 9 && length > SKIM_BYTES };
const GRAPH: Rules = { nested: new Map([[5, TENSOR]]) };
const MODEL: Rules = { nested: new Map([[7, GRAPH]]) };

/** The file's ModelProto with its large initializer payloads left out (see above). */
export async function skimOnnx(file: string, maxBytes: number): Promise<Uint8Array> {
  // A regular file only (a FIFO would block the reads below), of bounded size.
  const size = await regularFileSize(file);
  if (size > maxBytes) throw new DnarchError('BAD_INPUT', `${file}: is ${size} bytes, more than the ${maxBytes}-byte limit`);
  const fd = openSync(file, 'r');
  try {
    return Buffer.concat(new Skimmer(new FileReader(fd, size), file).message(0, size, MODEL));
  } finally {
    closeSync(fd);
  }
}
