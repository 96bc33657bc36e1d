import type { LayersModel } from '@tensorflow/tfjs-layers';

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

/** What a builder returns: the tfjs model plus the block path of every layer, for folding. */
export interface BuiltModel {
  model: LayersModel;
  /** layer name -> hierarchical block path, outermost first (e.g. ['conv2', 'conv2_block1']). */
  blocks: Map<string, string[]>;
}

export type Builder = (opts: BuildOptions) => BuiltModel;
