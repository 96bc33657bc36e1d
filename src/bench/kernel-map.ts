/**
 * Which model layers each kernel of an ONNX Runtime profile computed. ORT runs an optimized
 * graph: a Conv with its BatchNormalization, activation and residual Add becomes one kernel
 * named after one of them (`conv2_block1_3_bn/BatchNormalization_nchwc`), other nodes vanish
 * (Identity, Dropout, a Pad folded into the next Conv), and ORT inserts nodes of its own
 * (layout reorders). The kernels' names, the model's dataflow and the order ORT ran things
 * in are enough to put every vanished node back where its work went:
 *
 * 1. A kernel whose name, or its name cut at a `_` or `/` (ORT's suffixes: `_nchwc`,
 *    `_token_12`, `/MatMulAddFusion`; its prefix `fused `), is a node of the model, or a value
 *    a node computes (ORT names an NCHWc kernel after its output), ran that node.
 * 2. A vanished node that computes (Conv, MatMul, Pad, ...) was folded forward into the
 *    kernel its output flows into, along a chain of single consumers.
 * 3. A vanished element-wise node (BatchNormalization, an activation, Add, ...) was folded
 *    into the kernel that produced its input; of several, the one that ran last, since a
 *    fused kernel runs only once all its inputs exist (ORT's Conv + Add "sum" fusion).
 * 4. Once 1-3 settle nothing more, a vanished computing node with no single way forward
 *    went into the kernel of its input, as in rule 3 (a QuantizeLinear after a Conv: ORT's
 *    QLinearConv quantizes its own output).
 *
 * Kernels that match no node (ORT's own reorders) are reported as such, not guessed.
 */
import type { NodeLayer } from '../load/onnx/node-layers.js';

/** Ops ORT folds into the kernel that produced their input. */
const EPILOGUE = new Set([
  'BatchNormalization', 'Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'PRelu',
  'Softplus', 'Gelu', 'Erf', 'Add', 'Sum', 'Mul', 'Sub', 'Div', 'Identity', 'Dropout', 'Cast',
]);

/** ORT's prefix of some fused nodes' names ("fused sequential_1/dense_2/MatMul/MatMulAddFusion"). */
const FUSED = 'fused ';

export interface KernelRef {
  /** The kernel's node name in ORT's graph. */
  node: string;
  op: string;
  /** Execution order within a run. */
  order: number;
}

export interface KernelMap {
  /** The model node each kernel was matched to by name (rule 1); absent: ORT's own node. */
  matched: Map<string, NodeLayer>;
  /** The kernel each model node's work went to (rules 1-3); absent: none found. */
  kernelOfNode: Map<NodeLayer, string>;
}

/** The model node a kernel name stands for: the name itself, or the longest prefix cut at `_` or `/`. */
export function matchNode(kernel: string, nodes: ReadonlySet<string>): string | undefined {
  if (nodes.has(kernel)) return kernel;
  for (let i = kernel.length - 1; i > 0; i--) {
    const c = kernel[i];
    if ((c === '_' || c === '/') && nodes.has(kernel.slice(0, i))) return kernel.slice(0, i);
  }
  return undefined;
}

export function mapKernels(nodes: readonly NodeLayer[], kernels: readonly KernelRef[]): KernelMap {
  const byName = new Map<string, NodeLayer>();
  for (const n of nodes) if (n.name !== '' && !byName.has(n.name)) byName.set(n.name, n);
  // Output names second: a node's own name wins over a value of the same name.
  for (const n of nodes) for (const o of n.outputs) if (o !== '' && !byName.has(o)) byName.set(o, n);
  const names = new Set(byName.keys());
  const matched = new Map<string, NodeLayer>();
  const kernelOfNode = new Map<NodeLayer, string>();
  const orderOf = new Map<string, number>();
  for (const k of kernels) {
    orderOf.set(k.node, k.order);
    const name = matchNode(k.node.startsWith(FUSED) ? k.node.slice(FUSED.length) : k.node, names);
    if (name === undefined) continue;
    const node = byName.get(name)!;
    matched.set(k.node, node);
    if (!kernelOfNode.has(node)) kernelOfNode.set(node, k.node);
  }

  const producer = new Map<string, NodeLayer>();
  const consumers = new Map<string, NodeLayer[]>();
  for (const n of nodes) {
    for (const o of n.outputs) if (o !== '') producer.set(o, n);
    for (const i of n.inputs) {
      if (i === '') continue;
      const list = consumers.get(i);
      if (list) list.push(n);
      else consumers.set(i, [n]);
    }
  }
  const consumersOf = (n: NodeLayer): NodeLayer[] => [...new Set(n.outputs.flatMap((o) => consumers.get(o) ?? []))];

  /** Rule 2: along single consumers to the first node with a kernel. */
  const forward = (start: NodeLayer): string | undefined => {
    const seen = new Set<NodeLayer>();
    for (let at = start; !seen.has(at); ) {
      seen.add(at);
      const next = consumersOf(at);
      if (next.length !== 1) return undefined;
      const k = kernelOfNode.get(next[0]);
      if (k !== undefined) return k;
      at = next[0];
    }
    return undefined;
  };
  /** Rule 3: the kernel that ran last among those that produced the node's inputs. */
  const backward = (n: NodeLayer): string | undefined => {
    let best: string | undefined;
    for (const i of n.inputs) {
      const p = producer.get(i);
      const k = p ? kernelOfNode.get(p) : undefined;
      if (k !== undefined && (best === undefined || (orderOf.get(k) ?? -1) > (orderOf.get(best) ?? -1))) best = k;
    }
    return best;
  };

  const settle = (n: NodeLayer, k: string | undefined): boolean => {
    if (k === undefined) return false;
    kernelOfNode.set(n, k);
    return true;
  };
  // Each pass can settle nodes the previous one could not (a Conv before a vanished BN before a kernel).
  const passes = (): void => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of [...nodes].reverse()) if (!kernelOfNode.has(n) && !EPILOGUE.has(n.op)) changed = settle(n, forward(n)) || changed;
      for (const n of nodes) if (!kernelOfNode.has(n) && EPILOGUE.has(n.op)) changed = settle(n, backward(n)) || changed;
    }
  };
  passes();
  // Rule 4, last: a computing node with no single way forward went into the kernel that
  // produced its input (a QuantizeLinear after a Conv, in its QLinearConv); then again.
  for (;;) {
    let changed = false;
    for (const n of nodes) if (!kernelOfNode.has(n)) changed = settle(n, backward(n)) || changed;
    if (!changed) break;
    passes();
  }
  return { matched, kernelOfNode };
}
