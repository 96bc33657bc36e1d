import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';

export type Pooling = 'avg' | 'max' | 'none';

/** Options every zoo builder understands (a builder may reject ones that do not apply). */
export interface BuildOptions {
  /** Spatial input size [height, width]. */
  inputSize: [number, number];
  classes: number;
  includeTop: boolean;
  /** Only used when includeTop is false, as in Keras' `pooling` argument ('none' = None). */
  pooling: Pooling;
  /** Width multiplier (MobileNet only). */
  alpha: number;
}

/**
 * What a builder returns: the applied layers, reachable from the symbolic input and output
 * tensors, plus the block path of every layer, for folding. The tfjs LayersModel is built
 * on demand, since tfjs' model constructor takes time quadratic in the layer count and
 * analysis does not need it (src/graph/from-tfjs.ts: graphFromSymbolic).
 */
export interface BuiltModel {
  /** The model's name, as the LayersModel gets it. */
  readonly name: string;
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  /** The tfjs LayersModel (`tfl.model()`), built on first access, then the same object. */
  readonly model: LayersModel;
  /** layer name -> hierarchical block path, outermost first (e.g. ['conv2', 'conv2_block1']). */
  readonly blocks: Map<string, string[]>;
  /**
   * Frees the layers' weight tensors: through `model.dispose()` if the LayersModel was
   * built, else layer by layer. The layers are unusable afterwards.
   */
  dispose(): void;
}

export type Builder = (opts: BuildOptions) => BuiltModel;
