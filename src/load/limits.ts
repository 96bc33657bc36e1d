/**
 * Size and depth bounds on what a model file may make dnarch do, checked by arithmetic
 * before the work they bound. Real models stay far below each: the largest JSON topology
 * seen (an InceptionV3 in a tfjs model.json) has 12,714 values, 15 levels deep and objects of
 * under 40 keys; about 40 values per layer, so a 20,000-layer model (keras-config.ts'
 * LIMITS.maxLayers) has under a million. Past them the cost is tfjs' and V8's: every JSON
 * value is copied several times on its way to tfjs (ours, then tfjs' camel-casing), and an
 * object of a million keys takes seconds per copy. At these limits the worst file measured
 * (2,000,000 values in objects of 100 keys) takes 14 s and 650 MB; twice as many values
 * took 19 s and 1.2 GB.
 */
export const SIZE_LIMITS = Object.freeze({
  /** Nesting of JSON arrays and objects (JSON.parse itself has no bound but memory). */
  jsonDepth: 200,
  /** Values in one JSON document: array elements and object members, containers included. */
  jsonValues: 2_000_000,
  /** Members of one JSON object. */
  jsonObjectKeys: 10_000,
  /** Elements of one tensor a layer produces, per sample (2^31: 8 GiB of float32), in a layers model. */
  tensorElements: 2 ** 31,
});

const OPEN_ARRAY = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE_ARRAY = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The one line for a JSON text beyond the limits: `where` is the file, or `file: entry`. */
export const jsonLimitMessage = (where: string, problem: string): string => `${where}: ${problem}, beyond dnarch's limit for a model file: refused before parsing`;

/**
 * Why a JSON text is beyond SIZE_LIMITS (one phrase), or undefined: one pass over the
 * characters, before JSON.parse, counting nesting, values and object members outside
 * strings. Malformed JSON passes through for JSON.parse to describe.
 */
export function jsonBeyondLimits(text: string, limits = SIZE_LIMITS): string | undefined {
  const members = new Int32Array(limits.jsonDepth + 2);
  const isObject = new Uint8Array(limits.jsonDepth + 2);
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limits.jsonDepth) return `JSON nested deeper than ${limits.jsonDepth} levels`;
      isObject[depth] = c === OPEN_OBJECT ? 1 : 0;
      members[depth] = 1;
      if (++values > limits.jsonValues) return `more than ${limits.jsonValues} JSON values`;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth > 0) depth--;
    } else if (c === COMMA && depth > 0) {
      if (++values > limits.jsonValues) return `more than ${limits.jsonValues} JSON values`;
      if (isObject[depth] && ++members[depth] > limits.jsonObjectKeys) return `a JSON object with more than ${limits.jsonObjectKeys} keys`;
    }
  }
  return undefined;
}
