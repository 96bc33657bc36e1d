import { DnarchError } from '../../../errors.js';
import { AttrError, Attrs, isAttrObject, readShape, type AttrValue } from './attrs.js';

/**
 * A TensorFlow.js graph model's model.json (tensorflowjs_converter of a SavedModel, frozen
 * graph or TF Hub module), parsed and checked: `modelTopology.node` is a GraphDef's nodes
 * (name, op, input, attr), `modelTopology.library.function` holds TF2 functions (while
 * loop bodies and conditions), `signature` (or `userDefinedMetadata.signature` in converter
 * 1.x) names the inputs and outputs, `weightsManifest` the constants' bytes.
 *
 * Every name, op type and attribute name comes from the file: they live in Maps. Structural
 * problems (a node without a name, two nodes of one name, an input naming no node) are one
 * line naming the node.
 */

export interface TfInput {
  node: string;
  /** Which output of `node` (`name:1`); 0 when not written. */
  output: number;
  /** A control dependency (`^name`): ordering only, no data. */
  control: boolean;
}

export interface TfNode {
  name: string;
  op: string;
  inputs: TfInput[];
  attrs: Attrs;
  /** Index in modelTopology.node. */
  index: number;
}

export interface SignatureTensor {
  /** The tensor's name as written ('input_1:0'). */
  name: string;
  dtype?: string;
  shape?: (number | null)[] | null;
}

export interface TfFunction {
  name: string;
  ops: string[];
  /** Names of the Const nodes of its body (their weights are the function's). */
  consts: string[];
}

export interface TfGraphModel {
  nodes: TfNode[];
  byName: ReadonlyMap<string, TfNode>;
  signatureInputs: SignatureTensor[];
  signatureOutputs: SignatureTensor[];
  functions: ReadonlyMap<string, TfFunction>;
  manifest: unknown;
  details: Record<string, string>;
}

/** More nodes than this is no graph a converter writes (the largest real ones have a few thousand). */
export const MAX_GRAPH_NODES = 200_000;

const bad = (file: string, message: string): DnarchError => new DnarchError('BAD_INPUT', `${file}: ${message}`);

const asObject = (v: unknown): Record<string, unknown> | undefined => (isAttrObject(v) ? v : undefined);

const own = (o: Record<string, unknown> | undefined, key: string): unknown => (o && Object.hasOwn(o, key) ? o[key] : undefined);

/** 'name', 'name:1', '^name' (and, inside functions, 'name:out:0', not read here). */
export function parseInput(text: string): TfInput {
  if (text.startsWith('^')) return { node: text.slice(1), output: 0, control: true };
  const m = /^(.*):(\d+)$/.exec(text);
  if (m && m[1] !== '') return { node: m[1], output: Number(m[2]), control: false };
  return { node: text, output: 0, control: false };
}

function attrsOf(file: string, name: string, raw: unknown): Attrs {
  const where = `node ${JSON.stringify(name)}`;
  const map = new Map<string, AttrValue>();
  if (raw !== undefined) {
    const o = asObject(raw);
    if (!o) throw bad(file, `${where}: "attr" is not an object`);
    for (const [k, v] of Object.entries(o)) {
      const a = asObject(v);
      if (!a) throw bad(file, `${where}: attribute ${JSON.stringify(k)} is not an object`);
      map.set(k, a);
    }
  }
  return new Attrs(map, where);
}

function signatureTensors(file: string, raw: unknown, side: 'inputs' | 'outputs'): SignatureTensor[] {
  const o = asObject(raw);
  if (raw === undefined || raw === null) return [];
  if (!o) throw bad(file, `signature.${side} is not an object`);
  return Object.entries(o).map(([key, v]) => {
    const t = asObject(v);
    const name = typeof own(t, 'name') === 'string' ? (own(t, 'name') as string) : key;
    const dtype = typeof own(t, 'dtype') === 'string' ? (own(t, 'dtype') as string) : undefined;
    let shape: (number | null)[] | null | undefined;
    if (own(t, 'tensorShape') !== undefined) {
      try {
        shape = readShape(own(t, 'tensorShape'), `signature.${side}.${JSON.stringify(key)}.tensorShape`);
      } catch (e) {
        if (e instanceof AttrError) throw bad(file, e.message);
        throw e;
      }
    }
    return { name, dtype, ...(shape !== undefined ? { shape } : {}) };
  });
}

function functionsOf(file: string, library: unknown): Map<string, TfFunction> {
  const out = new Map<string, TfFunction>();
  const list = own(asObject(library), 'function');
  if (list === undefined) return out;
  if (!Array.isArray(list)) throw bad(file, 'modelTopology.library.function is not a list');
  list.forEach((f, i) => {
    const name = own(asObject(own(asObject(f), 'signature')), 'name');
    if (typeof name !== 'string') throw bad(file, `modelTopology.library.function[${i}] has no signature name`);
    const body = own(asObject(f), 'nodeDef');
    const nodes = Array.isArray(body) ? body.map(asObject) : [];
    const ops = nodes.map((n) => own(n, 'op')).filter((op): op is string => typeof op === 'string');
    const consts = nodes.filter((n) => own(n, 'op') === 'Const').map((n) => own(n, 'name')).filter((n): n is string => typeof n === 'string');
    out.set(name, { name, ops, consts });
  });
  return out;
}

/** Parses and checks a graph model's JSON. */
export function parseGraphModel(file: string, json: Record<string, unknown>): TfGraphModel {
  const topology = asObject(own(json, 'modelTopology'));
  const rawNodes = own(topology, 'node');
  if (!Array.isArray(rawNodes)) throw bad(file, 'modelTopology.node is not a list');
  if (rawNodes.length > MAX_GRAPH_NODES) throw bad(file, `modelTopology.node has ${rawNodes.length} nodes, more than the ${MAX_GRAPH_NODES} dnarch reads`);
  const nodes: TfNode[] = [];
  const byName = new Map<string, TfNode>();
  rawNodes.forEach((raw, index) => {
    const o = asObject(raw);
    const where = `modelTopology.node[${index}]`;
    if (!o) throw bad(file, `${where} is not an object`);
    const name = own(o, 'name');
    const op = own(o, 'op');
    if (typeof name !== 'string' || name === '') throw bad(file, `${where} has no name`);
    if (typeof op !== 'string' || op === '') throw bad(file, `node ${JSON.stringify(name)} has no op`);
    const input = own(o, 'input') ?? [];
    if (!Array.isArray(input) || input.some((x) => typeof x !== 'string')) throw bad(file, `node ${JSON.stringify(name)}: "input" is not a list of names`);
    if (byName.has(name)) throw bad(file, `two nodes are named ${JSON.stringify(name)} (modelTopology.node[${byName.get(name)!.index}] and [${index}])`);
    const node: TfNode = { name, op, inputs: (input as string[]).map(parseInput), attrs: attrsOf(file, name, own(o, 'attr')), index };
    nodes.push(node);
    byName.set(name, node);
  });
  for (const n of nodes) {
    for (const i of n.inputs) {
      if (!byName.has(i.node)) throw bad(file, `node ${JSON.stringify(n.name)} (${n.op}) reads ${JSON.stringify(i.node)}, which is no node of the graph`);
    }
  }
  const meta = asObject(own(json, 'userDefinedMetadata'));
  const signature = asObject(own(json, 'signature')) ?? asObject(own(meta, 'signature'));
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const versions = asObject(own(topology, 'versions'));
  const details: Record<string, string> = {};
  const put = (key: string, v: string | undefined) => {
    if (v) details[key] = v;
  };
  put('convertedBy', str(own(json, 'convertedBy')));
  put('generatedBy', str(own(json, 'generatedBy')));
  put('graphDefVersion', own(versions, 'producer') !== undefined ? String(own(versions, 'producer')) : undefined);
  return {
    nodes,
    byName,
    signatureInputs: signatureTensors(file, own(signature, 'inputs'), 'inputs'),
    signatureOutputs: signatureTensors(file, own(signature, 'outputs'), 'outputs'),
    functions: functionsOf(file, own(topology, 'library')),
    manifest: own(json, 'weightsManifest'),
    details,
  };
}
