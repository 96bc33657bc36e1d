/**
 * Mutations of valid model files for the property-based test: each turns a valid
 * model.json into something a careless or hostile writer could produce.
 */
import fc from 'fast-check';

type Json = unknown;
type Path = (string | number)[];

/** Every path to a value inside a JSON document (the root excluded). */
export function paths(doc: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(doc)) doc.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out)));
  else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) out.push([...prefix, k]), paths(v, [...prefix, k], out);
  }
  return out;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function parentOf(doc: Json, path: Path): Record<string | number, unknown> {
  let at = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  return at;
}

/** Layer objects of a Keras / tfjs topology, wherever the writer nested them. */
function layersOf(doc: Json): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.class_name === 'string' && typeof o.name === 'string' && o.config) found.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(doc);
  return found;
}

const WRONG_VALUES: Json[] = [null, 'x', '', true, 0, -1, 1e9, -1e9, 1e308, 0.5, [], {}, [[[]]], { __proto__: { polluted: true } }];

export interface Mutation {
  kind: string;
  /** The file text after the mutation. */
  apply: (doc: Json, text: string) => string;
}

export function mutationArb(doc: Json): fc.Arbitrary<Mutation> {
  const allPaths = paths(doc);
  const layers = layersOf(doc).length;
  const at = fc.integer({ min: 0, max: Math.max(0, allPaths.length - 1) });
  const layerIdx = fc.integer({ min: 0, max: Math.max(0, layers - 1) });
  return fc.oneof(
    at.map((i) => ({
      kind: `drop ${allPaths[i]?.join('.')}`,
      apply: (d: Json) => {
        const c = clone(d);
        const p = allPaths[i];
        const parent = parentOf(c, p);
        if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
        else delete parent[p[p.length - 1]];
        return JSON.stringify(c);
      },
    })),
    fc.tuple(at, fc.constantFrom(...WRONG_VALUES)).map(([i, v]) => ({
      kind: `set ${allPaths[i]?.join('.')} = ${JSON.stringify(v)}`,
      apply: (d: Json) => {
        const c = clone(d);
        const p = allPaths[i];
        parentOf(c, p)[p[p.length - 1]] = clone(v);
        return JSON.stringify(c);
      },
    })),
    layerIdx.map((i) => ({
      kind: `__proto__ key in layer ${i}`,
      apply: (d: Json) => JSON.stringify(d).replace(/"class_name":/, '"__proto__": {"polluted": true}, "class_name":'),
    })),
    fc.tuple(layerIdx, layerIdx).map(([a, b]) => ({
      kind: `duplicate name: layer ${b} renamed as layer ${a}`,
      apply: (d: Json) => {
        const c = clone(d);
        const ls = layersOf(c);
        if (ls[a] && ls[b]) ls[b].name = ls[a].name;
        return JSON.stringify(c);
      },
    })),
    layerIdx.map((i) => ({
      kind: `dangling or cyclic inbound in layer ${i}`,
      apply: (d: Json) => {
        const c = clone(d);
        const ls = layersOf(c);
        const last = ls[ls.length - 1]?.name;
        // Point layer i's inbound at the last layer (a cycle) or at nothing (dangling).
        const text = JSON.stringify(ls[i]?.inbound_nodes ?? null);
        if (ls[i] && text !== 'null') ls[i].inbound_nodes = JSON.parse(text.replace(/\[\["[^"]*"/, `[["${i % 2 ? last : 'no_such_layer'}"`));
        return JSON.stringify(c);
      },
    })),
    fc.constantFrom('../../../../etc/passwd', '/etc/passwd', 'file:///etc/passwd', 'x/../../y.bin').map((p) => ({
      kind: `hostile weight path ${p}`,
      apply: (d: Json) => {
        const c = clone(d) as { weightsManifest?: { paths: string[] }[] };
        c.weightsManifest = [{ paths: [p], ...(c.weightsManifest?.[0] ?? {}), ...{ paths: [p] } }];
        return JSON.stringify(c);
      },
    })),
    fc.double({ min: 0, max: 1, noNaN: true }).map((f) => ({
      kind: `truncated at ${(f * 100).toFixed(0)}%`,
      apply: (_d: Json, text: string) => text.slice(0, Math.floor(text.length * f)),
    })),
    fc.string({ maxLength: 40 }).map((s) => ({ kind: `not JSON: ${JSON.stringify(s)}`, apply: () => s })),
  );
}
