/**
 * A TensorFlow NodeDef's attributes as tensorflowjs_converter writes them (protobuf's JSON
 * mapping of AttrValue): {"i": "3"} (int64 as a string), {"f": 0.5}, {"b": true},
 * {"s": base64 bytes}, {"type": "DT_FLOAT"}, {"shape": {"dim": [{"size": "-1"}]}},
 * {"tensor": {...}}, {"func": {"name": ...}} and {"list": {"i": [...], "s": [...], ...}}.
 * Attribute names come from the file: they are kept in a Map. A value of the wrong form is
 * an error naming the node and the attribute, never a silent default.
 */

export type AttrValue = Record<string, unknown>;

export class AttrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttrError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const field = (a: AttrValue, key: string): unknown => (Object.hasOwn(a, key) ? a[key] : undefined);

/** An int64 written as a JSON string or number; must be a safe integer. */
export function toInt(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isSafeInteger(n)) throw new AttrError(`${what} is ${JSON.stringify(v)?.slice(0, 40)}, not an integer`);
  return n;
}

const toFloat = (v: unknown, what: string): number => {
  // protobuf JSON writes NaN and infinities as strings.
  const n = typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : undefined;
  if (n === undefined) throw new AttrError(`${what} is ${JSON.stringify(v)?.slice(0, 40)}, not a number`);
  return n;
};

/** Bytes (base64, protobuf's JSON form of `bytes`) as text. */
export function base64Text(v: unknown, what: string): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw new AttrError(`${what} is not base64 text`);
  return Buffer.from(v, 'base64').toString('utf8');
}

export class Attrs {
  constructor(
    private readonly map: ReadonlyMap<string, AttrValue>,
    private readonly where: string,
  ) {}

  has(name: string): boolean {
    return this.map.has(name);
  }

  names(): string[] {
    return [...this.map.keys()];
  }

  private value(name: string, form: string): unknown {
    const a = this.map.get(name);
    if (a === undefined) return undefined;
    const v = field(a, form);
    if (v === undefined) {
      // protobuf's JSON leaves out default values: {"i": "0"} is written {}, {"b": false} too.
      if (Object.keys(a).length === 0) return form === 'b' ? false : form === 's' ? '' : form === 'i' ? '0' : form === 'f' ? 0 : undefined;
      throw new AttrError(`${this.where}: attribute ${JSON.stringify(name)} is ${JSON.stringify(a).slice(0, 60)}, expected {"${form}": ...}`);
    }
    return v;
  }

  int(name: string): number | undefined {
    const v = this.value(name, 'i');
    return v === undefined ? undefined : toInt(v, `${this.where}: attribute ${JSON.stringify(name)}`);
  }

  float(name: string): number | undefined {
    const v = this.value(name, 'f');
    return v === undefined ? undefined : toFloat(v, `${this.where}: attribute ${JSON.stringify(name)}`);
  }

  bool(name: string): boolean | undefined {
    const v = this.value(name, 'b');
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new AttrError(`${this.where}: attribute ${JSON.stringify(name)} is ${JSON.stringify(v)}, not a boolean`);
    return v;
  }

  string(name: string): string | undefined {
    const v = this.value(name, 's');
    return v === undefined ? undefined : base64Text(v, `${this.where}: attribute ${JSON.stringify(name)}`);
  }

  type(name: string): string | undefined {
    const v = this.value(name, 'type');
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new AttrError(`${this.where}: attribute ${JSON.stringify(name)} is not a type name`);
    return v;
  }

  /** A shape attribute: dims with -1 as null; null for unknown_rank. */
  shape(name: string): (number | null)[] | null | undefined {
    const v = this.value(name, 'shape');
    return v === undefined ? undefined : readShape(v, `${this.where}: attribute ${JSON.stringify(name)}`);
  }

  func(name: string): string | undefined {
    const v = this.value(name, 'func');
    if (v === undefined) return undefined;
    if (!isObject(v) || typeof field(v, 'name') !== 'string') throw new AttrError(`${this.where}: attribute ${JSON.stringify(name)} names no function`);
    return field(v, 'name') as string;
  }

  private list(name: string, form: string): unknown[] | undefined {
    const l = this.value(name, 'list');
    if (l === undefined) return undefined;
    if (!isObject(l)) throw new AttrError(`${this.where}: attribute ${JSON.stringify(name)} has a list that is not an object`);
    const items = field(l, form);
    if (items === undefined) return [];
    if (!Array.isArray(items)) throw new AttrError(`${this.where}: attribute ${JSON.stringify(name)}: list.${form} is not an array`);
    return items;
  }

  ints(name: string): number[] | undefined {
    return this.list(name, 'i')?.map((v, k) => toInt(v, `${this.where}: attribute ${JSON.stringify(name)}[${k}]`));
  }

  strings(name: string): string[] | undefined {
    return this.list(name, 's')?.map((v, k) => base64Text(v, `${this.where}: attribute ${JSON.stringify(name)}[${k}]`));
  }

  /** The shape and dtype a Const node's `value` tensor declares (the converter strips its data). */
  tensor(name: string): { dtype: string; shape: number[] } | undefined {
    const t = this.value(name, 'tensor');
    if (t === undefined) return undefined;
    const what = `${this.where}: attribute ${JSON.stringify(name)}`;
    if (!isObject(t)) throw new AttrError(`${what} is not a tensor`);
    const shape = Object.hasOwn(t, 'tensorShape') ? readShape(t.tensorShape, `${what}.tensorShape`) : [];
    if (shape === null || shape.some((d) => d === null)) throw new AttrError(`${what}: a constant's shape must be fully known`);
    const dtype = typeof field(t, 'dtype') === 'string' ? (field(t, 'dtype') as string) : 'DT_INVALID';
    return { dtype, shape: shape as number[] };
  }
}

/** Largest dimension accepted anywhere (shapes, attributes): 2^31, far above any real tensor's axis. */
export const MAX_DIM = 2 ** 31;

/** A TensorShapeProto in JSON: {"dim": [{"size": "-1"}, ...]} or {"unknownRank": true}. */
export function readShape(v: unknown, what: string): (number | null)[] | null {
  if (!isObject(v)) throw new AttrError(`${what} is not a shape`);
  if (field(v, 'unknownRank') === true) return null;
  const dims = field(v, 'dim');
  if (dims === undefined) return [];
  if (!Array.isArray(dims)) throw new AttrError(`${what}.dim is not a list`);
  return dims.map((d, k) => {
    const size = isObject(d) ? (field(d, 'size') ?? '0') : undefined;
    const n = toInt(size, `${what}.dim[${k}].size`);
    if (n === -1) return null;
    if (n < 0 || n > MAX_DIM) throw new AttrError(`${what}.dim[${k}] is ${n}: a dimension is -1 (unknown) or 0..${MAX_DIM}`);
    return n;
  });
}

export const isAttrObject = isObject;
