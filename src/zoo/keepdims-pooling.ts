import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';

type GlobalAveragePooling2D = ReturnType<typeof tfl.layers.globalAveragePooling2d>;
type GlobalPooling2DArgs = Parameters<typeof tfl.layers.globalAveragePooling2d>[0];

/**
 * tfjs-layers does not export its GlobalAveragePooling2D class, only the factory, so the
 * class is taken from an instance. The probe gets an explicit name so that it does not
 * advance tfjs' automatic-name counter for `global_average_pooling2d`.
 */
const GlobalAveragePooling2DBase = Object.getPrototypeOf(
  tfl.layers.globalAveragePooling2d({ name: 'keepdims_pooling_probe' }),
).constructor as new (args: GlobalPooling2DArgs) => GlobalAveragePooling2D;

export interface KeepDimsPoolingArgs extends GlobalPooling2DArgs {
  /** Keep the pooled spatial axes as size 1, as Keras' `keepdims=True`. */
  keepDims?: boolean;
}

/**
 * Keras' GlobalAveragePooling2D(keepdims=True), which tfjs lacks. Keras' MobileNet top
 * pools to [batch, 1, 1, C] so that the classifier can be a 1x1 Conv2D ('conv_preds').
 * The class name stays 'GlobalAveragePooling2D' so the layer reports like Keras' own.
 */
export class KeepDimsGlobalAveragePooling2D extends GlobalAveragePooling2DBase {
  readonly keepDims: boolean;

  constructor(args: KeepDimsPoolingArgs = {}) {
    const { keepDims = false, ...rest } = args;
    super(rest);
    this.keepDims = keepDims;
  }

  /** Spatial axes of a 4D input in this layer's data format. */
  private spatialAxes(): [number, number] {
    return this.dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    if (!this.keepDims) return super.computeOutputShape(inputShape);
    const shape = [...(inputShape as Shape)];
    for (const axis of this.spatialAxes()) shape[axis] = 1;
    return shape;
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    return tfc.tidy(() => tfc.mean(input, this.spatialAxes(), this.keepDims));
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), keepDims: this.keepDims };
  }
}

export function globalAveragePooling2dKeepDims(args: KeepDimsPoolingArgs = {}): KeepDimsGlobalAveragePooling2D {
  return new KeepDimsGlobalAveragePooling2D({ ...args, keepDims: true });
}
