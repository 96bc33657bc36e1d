import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { layerOrder } from '../graph/layer-order.js';
import type { BuildOptions, BuiltModel, Pooling } from './types.js';
import { SharedConstants } from './shared-init.js';

/** tfjs' Layer base class (not re-exported by name from the package root). */
type Layer = ReturnType<typeof tfl.layers.conv3dTranspose>;
type Args<F extends (a: never) => unknown> = Parameters<F>[0];
type ActivationName = Args<typeof tfl.layers.activation>['activation'];

/**
 * A family's BatchNormalization settings, the same for all its layers (Keras sets them per
 * model, often to keep the values of the original weights). Left out: Keras' defaults,
 * which are tfjs' (epsilon 1e-3, momentum 0.99, scale true).
 */
export interface BatchNormSettings {
  epsilon?: number;
  momentum?: number;
  scale?: boolean;
}

/** The channel count of an NHWC tensor (its last axis). */
export const channelsOf = (x: SymbolicTensor): number => x.shape[x.shape.length - 1] as number;

/** Names of the headless `pooling` layers where a model names them ('avg_pool', 'max_pool': ResNet, DenseNet, EfficientNet). */
export const NAMED_POOLING = { avg: 'avg_pool', max: 'max_pool' } as const;

/**
 * A small functional-API helper for the zoo builders.
 *
 * - Kernels are zero-initialised: analysis never needs weight values, and zero-filled
 *   typed arrays are not touched, so even VGG16's 138M weights cost almost no memory.
 *   Constant weights of one shape share one tensor (see SharedConstants).
 * - Every layer is recorded with the block scope it was created in, so reports can fold
 *   layers by stage / block / module even where Keras' names carry no structure
 *   (InceptionV3's `conv2d_42`).
 * - `autoName` reproduces Keras' per-class counters (`conv2d`, `conv2d_1`, ...).
 */
export class ZooBuilder {
  readonly blocks = new Map<string, string[]>();
  private readonly scope: string[] = [];
  private readonly counters = new Map<string, number>();
  private readonly constants = new SharedConstants();

  /** Runs `fn` with `name` pushed on the block scope. */
  block<T>(name: string, fn: () => T): T {
    this.scope.push(name);
    try {
      return fn();
    } finally {
      this.scope.pop();
    }
  }

  /** Keras' default naming: first `prefix`, then `prefix_1`, `prefix_2`, ... */
  autoName(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  }

  input(shape: number[], name = 'input_layer'): SymbolicTensor {
    const t = tfl.input({ shape, name });
    this.blocks.set(name, [...this.scope]);
    return t;
  }

  /** Applies a layer and records its block path. */
  apply(layer: Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    this.blocks.set(layer.name, [...this.scope]);
    return layer.apply(x) as SymbolicTensor;
  }

  conv2d(args: Args<typeof tfl.layers.conv2d>, x: SymbolicTensor): SymbolicTensor {
    return this.apply(tfl.layers.conv2d({ kernelInitializer: this.constants.zeros, biasInitializer: this.constants.zeros, ...args }), x);
  }

  depthwiseConv2d(args: Args<typeof tfl.layers.depthwiseConv2d>, x: SymbolicTensor): SymbolicTensor {
    return this.apply(tfl.layers.depthwiseConv2d({ depthwiseInitializer: this.constants.zeros, biasInitializer: this.constants.zeros, ...args }), x);
  }

  separableConv2d(args: Args<typeof tfl.layers.separableConv2d>, x: SymbolicTensor): SymbolicTensor {
    return this.apply(
      tfl.layers.separableConv2d({
        depthwiseInitializer: this.constants.zeros,
        pointwiseInitializer: this.constants.zeros,
        biasInitializer: this.constants.zeros,
        ...args,
      }),
      x,
    );
  }

  dense(args: Args<typeof tfl.layers.dense>, x: SymbolicTensor): SymbolicTensor {
    return this.apply(tfl.layers.dense({ kernelInitializer: this.constants.zeros, biasInitializer: this.constants.zeros, ...args }), x);
  }

  /** BatchNormalization over the channel axis (NHWC), with the family's settings. */
  batchNorm(name: string, x: SymbolicTensor, settings: BatchNormSettings = {}): SymbolicTensor {
    return this.apply(tfl.layers.batchNormalization({
        axis: -1,
        ...settings,
        name,
        betaInitializer: this.constants.zeros,
        gammaInitializer: this.constants.ones,
        movingMeanInitializer: this.constants.zeros,
        movingVarianceInitializer: this.constants.ones,
      }), x);
  }

  /** An Activation layer, Keras' `Activation(fn, name=name)`. */
  activation(name: string, fn: ActivationName, x: SymbolicTensor): SymbolicTensor {
    return this.apply(tfl.layers.activation({ activation: fn, name }), x);
  }

  /** Keras' ReLU(6.0): a ReLU layer (not an Activation), as the MobileNets use it. */
  relu6(name: string, x: SymbolicTensor): SymbolicTensor {
    return this.apply(tfl.layers.reLU({ maxValue: 6, name }), x);
  }

  /**
   * BatchNormalization then ReLU, named `<prefix>_bn` and `<prefix>_relu`: how Keras' ResNets
   * and DenseNets name the pair (`conv2_block1_1_bn`), and the CIFAR ResNets and GoogLeNet too.
   */
  bnRelu(prefix: string, x: SymbolicTensor, settings: BatchNormSettings): SymbolicTensor {
    return this.activation(`${prefix}_relu`, 'relu', this.batchNorm(`${prefix}_bn`, x, settings));
  }

  /**
   * Keras' `pooling` argument of a headless model. Keras leaves these layers unnamed (so
   * they get automatic names) except where a model names them, as ResNet does.
   */
  headlessPooling(pooling: Pooling, x: SymbolicTensor, names?: { avg: string; max: string }): SymbolicTensor {
    if (pooling === 'avg') {
      return this.apply(tfl.layers.globalAveragePooling2d({ name: names?.avg ?? this.autoName('global_average_pooling2d') }), x);
    }
    if (pooling === 'max') {
      return this.apply(tfl.layers.globalMaxPooling2d({ name: names?.max ?? this.autoName('global_max_pooling2d') }), x);
    }
    return x;
  }

  /**
   * The top ResNet, DenseNet, InceptionV3 and Xception share, in block 'top': 'avg_pool' then
   * a softmax 'predictions', or without the classifier Keras' `pooling` (`headlessNames`:
   * see headlessPooling).
   */
  avgPoolTop(opts: BuildOptions, x: SymbolicTensor, headlessNames?: { avg: string; max: string }): SymbolicTensor {
    return this.block('top', () => {
      if (!opts.includeTop) return this.headlessPooling(opts.pooling, x, headlessNames);
      const pooled = this.apply(tfl.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
      return this.dense({ units: opts.classes, activation: 'softmax', name: 'predictions' }, pooled);
    });
  }

  /** The model, without building the LayersModel yet (see BuiltModel). */
  finish(inputs: SymbolicTensor, outputs: SymbolicTensor, name: string): BuiltModel {
    this.constants.release();
    return new LazyModel(name, [inputs], [outputs], this.blocks);
  }
}

/** `model` is a prototype getter: spreading a LazyModel (`{ ...built }`) would lose it. */
class LazyModel implements BuiltModel {
  private built?: LayersModel;
  private disposed = false;

  constructor(
    readonly name: string,
    readonly inputs: SymbolicTensor[],
    readonly outputs: SymbolicTensor[],
    readonly blocks: Map<string, string[]>,
  ) {}

  get model(): LayersModel {
    if (this.disposed && !this.built) throw new Error(`model "${this.name}" was disposed before its LayersModel was built`);
    return (this.built ??= tfl.model({ inputs: this.inputs, outputs: this.outputs, name: this.name }));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.built) this.built.dispose();
    // The same layers model.dispose() would release: those between inputs and outputs.
    else for (const layer of layerOrder(this.inputs, this.outputs)) layer.dispose();
  }
}
