/**
 * What running a TensorFlow.js graph model depends on, read from its model.json: whether
 * tfjs-converter must run it with executeAsync, the int32 constants its weight shards hold,
 * and whether its nodes hang together (nodeProblem).
 */

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/**
 * Ops tfjs-converter runs only in executeAsync (4.22: its op lists `control`, `dynamic` and
 * `hash_table`): TF1 loops and conditionals, TF2 functional ones, tensor arrays and lists,
 * ops whose output size depends on the data (non-max suppression, Where), lookup tables.
 */
const ASYNC_OPS = new Set([
  'LoopCond', 'Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'StatelessIf', 'If', 'StatelessWhile', 'While',
  'EmptyTensorList', 'TensorArrayV3', 'TensorArrayWriteV3', 'TensorArrayReadV3', 'TensorArrayGatherV3', 'TensorArrayScatterV3',
  'TensorArrayConcatV3', 'TensorArraySplitV3', 'TensorArraySizeV3', 'TensorArrayCloseV3', 'TensorListScatter', 'TensorListScatterV2',
  'TensorListGather', 'TensorListGetItem', 'TensorListSetItem', 'TensorListReserve', 'TensorListFromTensor', 'TensorListStack',
  'TensorListSplit', 'TensorListConcat', 'TensorListConcatV2', 'TensorListPopBack', 'TensorListPushBack', 'TensorListLength',
  'TensorListResize',
  'NonMaxSuppressionV2', 'NonMaxSuppressionV3', 'NonMaxSuppressionV4', 'NonMaxSuppressionV5', 'Where', 'ListDiff',
  'HashTable', 'HashTableV2', 'LookupTableImport', 'LookupTableImportV2', 'LookupTableFind', 'LookupTableFindV2',
  'LookupTableSize', 'LookupTableSizeV2', 'InitializeTable', 'InitializeTableV2',
]);

const nodesOf = (json: Json): Json[] => {
  const topology = asObject(json.modelTopology);
  const main = Array.isArray(topology?.node) ? topology.node : [];
  const functions = asObject(topology?.library)?.function;
  const inner = (Array.isArray(functions) ? functions : []).flatMap((f) => {
    const defs = asObject(f)?.nodeDef;
    return Array.isArray(defs) ? defs : [];
  });
  return [...main, ...inner].map(asObject).filter((n): n is Json => n !== undefined);
};

/** The ops of the graph (its functions' too) that need executeAsync, each once, in file order. */
export function asyncOps(json: Json): string[] {
  const ops = new Set<string>();
  for (const n of nodesOf(json)) if (typeof n.op === 'string' && ASYNC_OPS.has(n.op)) ops.add(n.op);
  return [...ops];
}

export interface IntConstants {
  /** Tensors, and their elements in all. */
  count: number;
  values: number;
  /** One of them, and the op of a node that reads it (what the constant is for). */
  example?: { name: string; readBy?: string };
}

/**
 * The int32 weights of a (validated) weightsManifest: shapes, axes, paddings, sizes. Unlike
 * float weights they cannot be stood in for by random values: the graph would not run, or
 * would compute something else.
 */
export function intConstants(json: Json): IntConstants {
  const manifest = Array.isArray(json.weightsManifest) ? json.weightsManifest : [];
  const ints = manifest.flatMap((g) => {
    const weights = asObject(g)?.weights;
    return (Array.isArray(weights) ? weights : []).map(asObject).filter((w): w is Json => w?.dtype === 'int32');
  });
  if (ints.length === 0) return { count: 0, values: 0 };
  const values = ints.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  const first = String(ints[0].name);
  const reader = nodesOf(json).find((n) => Array.isArray(n.input) && n.input.some((i) => typeof i === 'string' && i.replace(/^\^/, '').replace(/:\d+$/, '') === first));
  return { count: ints.length, values, example: { name: first, ...(typeof reader?.op === 'string' ? { readBy: reader.op } : {}) } };
}

/**
 * The main graph's nodes checked as far as running needs, so that a broken file gets a line
 * naming the node rather than tfjs-converter's TypeError: each node an object with a string
 * name and op, each input (`name`, `name:1`, `^name` for a control edge) a node of the graph,
 * each Const node's value in the weightsManifest.
 * Returns the problem, or undefined.
 */
export function nodeProblem(json: Json): string | undefined {
  const nodes = asObject(json.modelTopology)?.node;
  if (!Array.isArray(nodes)) return 'modelTopology.node is not a list';
  const names = new Set<string>();
  for (const [i, n] of nodes.entries()) {
    const node = asObject(n);
    if (!node || typeof node.name !== 'string' || typeof node.op !== 'string') return `modelTopology.node[${i}] is not a node with a name and an op`;
    names.add(node.name);
  }
  // tensorflowjs_converter moves every constant's value into the weights, under the node's name.
  const weights = new Set(
    (Array.isArray(json.weightsManifest) ? json.weightsManifest : []).flatMap((g) => {
      const ws = asObject(g)?.weights;
      return (Array.isArray(ws) ? ws : []).map((w) => asObject(w)?.name);
    }),
  );
  const constant = (nodes as Json[]).find((n) => n.op === 'Const' && !weights.has(n.name));
  if (constant) return `constant ${JSON.stringify(constant.name)} has no value: it is not in the weightsManifest`;
  const sources = new Map<string, string[]>();
  for (const n of nodes as Json[]) {
    if (n.input === undefined) continue;
    if (!Array.isArray(n.input)) return `node ${JSON.stringify(n.name)}: its inputs are not a list`;
    const from: string[] = [];
    for (const input of n.input) {
      const source = typeof input === 'string' ? input.replace(/^\^/, '').replace(/:\d+$/, '') : undefined;
      if (source === undefined || !names.has(source)) return `node ${JSON.stringify(n.name)} reads ${JSON.stringify(input)}, which is no node of the graph`;
      from.push(source);
    }
    sources.set(n.name as string, from);
  }
  const cycle = cycleNode(nodes as Json[], sources);
  return cycle === undefined ? undefined : `node ${JSON.stringify(cycle)} is on a cycle that is no TF1 loop (no NextIteration on it)`;
}

/**
 * A node on a cycle of the graph, or undefined: Kahn's algorithm, with the back edges of TF1
 * loops (out of a NextIteration node, into its Merge) left out, as TensorFlow runs them.
 */
function cycleNode(nodes: Json[], sources: Map<string, string[]>): string | undefined {
  const op = new Map(nodes.map((n) => [n.name as string, n.op as string]));
  const pending = new Map<string, number>();
  const readers = new Map<string, string[]>();
  for (const n of nodes) {
    const name = n.name as string;
    const from = (sources.get(name) ?? []).filter((s) => op.get(s) !== 'NextIteration');
    pending.set(name, from.length);
    for (const s of from) {
      const list = readers.get(s);
      if (list) list.push(name);
      else readers.set(s, [name]);
    }
  }
  const ready = [...pending].filter(([, k]) => k === 0).map(([name]) => name);
  while (ready.length > 0) {
    const name = ready.pop() as string;
    for (const r of readers.get(name) ?? []) {
      const left = (pending.get(r) as number) - 1;
      pending.set(r, left);
      if (left === 0) ready.push(r);
    }
  }
  return [...pending].find(([, k]) => k > 0)?.[0];
}
