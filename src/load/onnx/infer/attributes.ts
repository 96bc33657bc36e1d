/**
 * Typed attribute getters. Attribute maps come from the file, so a wrong kind or a value
 * that is not an integer is a ShapeError, never a crash or a silent default.
 */
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor } from '../ir.js';
import { AttrKind } from '../ir.js';
import { quote } from './facts.js';
import { ShapeError } from './types.js';

/** The attribute's kind, inferred from the field that is set when the writer left the type out. */
const kindOf = (a: OnnxAttribute): number => {
  if (a.type !== AttrKind.UNDEFINED) return a.type;
  if (a.ints !== undefined) return AttrKind.INTS;
  if (a.floats !== undefined) return AttrKind.FLOATS;
  if (a.strings !== undefined) return AttrKind.STRINGS;
  if (a.tensors !== undefined) return AttrKind.TENSORS;
  if (a.graphs !== undefined) return AttrKind.GRAPHS;
  if (a.t !== undefined) return AttrKind.TENSOR;
  if (a.g !== undefined) return AttrKind.GRAPH;
  if (a.s !== undefined) return AttrKind.STRING;
  if (a.f !== undefined) return AttrKind.FLOAT;
  if (a.i !== undefined) return AttrKind.INT;
  return AttrKind.UNDEFINED;
};

const KIND_NAMES = new Map<number, string>(Object.entries(AttrKind).map(([k, v]) => [v, k]));

const wrongKind = (a: OnnxAttribute, want: string): ShapeError =>
  new ShapeError(`attribute ${quote(a.name)} should be ${want}, not ${KIND_NAMES.get(kindOf(a)) ?? 'of kind ' + a.type}`);

const integer = (a: OnnxAttribute, v: number | undefined): number => {
  if (v === undefined || !Number.isInteger(v)) throw new ShapeError(`attribute ${quote(a.name)} holds ${v}, which is not an integer`);
  return v;
};

export const hasAttr = (node: OnnxNode, name: string): boolean => node.attributes.has(name);

export function getInt(node: OnnxNode, name: string): number | undefined;
export function getInt(node: OnnxNode, name: string, dflt: number): number;
export function getInt(node: OnnxNode, name: string, dflt?: number): number | undefined {
  const a = node.attributes.get(name);
  if (a === undefined) return dflt;
  if (kindOf(a) !== AttrKind.INT) throw wrongKind(a, 'INT');
  return integer(a, a.i ?? 0);
}

/** INTS; a single INT is accepted as a list of one, as some writers store it so. */
export const getInts = (node: OnnxNode, name: string): number[] | undefined => {
  const a = node.attributes.get(name);
  if (a === undefined) return undefined;
  const k = kindOf(a);
  if (k === AttrKind.INT) return [integer(a, a.i ?? 0)];
  if (k !== AttrKind.INTS) throw wrongKind(a, 'INTS');
  return (a.ints ?? []).map((v) => integer(a, v));
};

export function getFloat(node: OnnxNode, name: string): number | undefined;
export function getFloat(node: OnnxNode, name: string, dflt: number): number;
export function getFloat(node: OnnxNode, name: string, dflt?: number): number | undefined {
  const a = node.attributes.get(name);
  if (a === undefined) return dflt;
  const k = kindOf(a);
  if (k === AttrKind.INT) return a.i ?? 0;
  if (k !== AttrKind.FLOAT) throw wrongKind(a, 'FLOAT');
  return a.f ?? 0;
}

export const getFloats = (node: OnnxNode, name: string): number[] | undefined => {
  const a = node.attributes.get(name);
  if (a === undefined) return undefined;
  const k = kindOf(a);
  if (k === AttrKind.INTS) return a.ints ?? [];
  if (k !== AttrKind.FLOATS) throw wrongKind(a, 'FLOATS');
  return a.floats ?? [];
};

export function getString(node: OnnxNode, name: string): string | undefined;
export function getString(node: OnnxNode, name: string, dflt: string): string;
export function getString(node: OnnxNode, name: string, dflt?: string): string | undefined {
  const a = node.attributes.get(name);
  if (a === undefined) return dflt;
  if (kindOf(a) !== AttrKind.STRING) throw wrongKind(a, 'STRING');
  return a.s ?? '';
}

export const getTensor = (node: OnnxNode, name: string): OnnxTensor | undefined => {
  const a = node.attributes.get(name);
  if (a === undefined) return undefined;
  if (kindOf(a) !== AttrKind.TENSOR || a.t === undefined) throw wrongKind(a, 'TENSOR');
  return a.t;
};

export const getGraph = (node: OnnxNode, name: string): OnnxGraph | undefined => {
  const a = node.attributes.get(name);
  if (a === undefined) return undefined;
  if (kindOf(a) !== AttrKind.GRAPH || a.g === undefined) throw wrongKind(a, 'GRAPH');
  return a.g;
};

/** Every subgraph a node holds (If branches, Loop/Scan bodies, GRAPHS attributes). */
export const subgraphs = (node: OnnxNode): OnnxGraph[] => {
  const out: OnnxGraph[] = [];
  for (const a of node.attributes.values()) {
    if (a.g !== undefined) out.push(a.g);
    if (a.graphs !== undefined) out.push(...a.graphs);
  }
  return out;
};

/** A string attribute that must be one of a few values. */
export const getChoice = <T extends string>(node: OnnxNode, name: string, choices: readonly T[], dflt: T): T => {
  const s = getString(node, name, dflt);
  const found = choices.find((c) => c === s);
  if (found === undefined) {
    throw new ShapeError(`attribute ${quote(name)} is ${quote(s)}, not one of ${choices.join(', ')}`);
  }
  return found;
};
