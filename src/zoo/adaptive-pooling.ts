import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type DataFormat = 'channelsFirst' | 'channelsLast';

export interface AdaptiveAveragePooling2DArgs extends LayerArgs {
  /** Output rows and columns (one number: both). */
  outputSize: number | [number, number];
  dataFormat?: DataFormat;
}

/**
 * Bin i of `out` bins over `n` positions: [floor(i n / out), ceil((i + 1) n / out)).
 * PyTorch's rule (aten AdaptiveAveragePooling), which Keras 3 follows: bins cover the
 * input exactly when n is a multiple of out, and overlap by at most one position when not.
 */
export function adaptiveBins(n: number, out: number): Array<[start: number, end: number]> {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);
}

/**
 * Keras 3's AdaptiveAveragePooling2D (keras.layers.AdaptiveAveragePooling2D, PyTorch's
 * nn.AdaptiveAvgPool2d), which tfjs lacks: averages each input map down to a fixed
 * `outputSize`, whatever the input size. torchvision's AlexNet pools its last feature map
 * to 6x6 with it, so that its classifier has 256 x 6 x 6 inputs at any input size; at
 * 224 the map is already 6x6 and the layer is an identity.
 */
export class AdaptiveAveragePooling2D extends tfl.layers.Layer {
  static readonly className = 'AdaptiveAveragePooling2D';
  readonly outputSize: [number, number];
  readonly dataFormat: DataFormat;

  constructor(args: AdaptiveAveragePooling2DArgs) {
    const { outputSize, dataFormat = 'channelsLast', ...rest } = args;
    super(rest);
    this.outputSize = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0], outputSize[1]];
    this.dataFormat = dataFormat;
    this.inputSpec = [{ ndim: 4 }];
  }

  /** Row and column axes of a 4D tensor in this layer's data format. */
  private spatialAxes(): [number, number] {
    return this.dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = [...((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape)];
    const axes = this.spatialAxes();
    axes.forEach((axis, i) => {
      shape[axis] = this.outputSize[i];
    });
    return shape;
  }

  /** Averaging a rectangle is averaging its rows, then its columns: one axis at a time. */
  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    return tfc.tidy(() => {
      let y = input;
      this.spatialAxes().forEach((axis, i) => {
        const n = y.shape[axis] as number;
        const bins = adaptiveBins(n, this.outputSize[i]).map(([start, end]) => {
          const begin = y.shape.map((_, a) => (a === axis ? start : 0));
          const size = y.shape.map((d, a) => (a === axis ? end - start : (d as number)));
          return tfc.mean(tfc.slice(y, begin, size), axis, true);
        });
        y = tfc.concat(bins, axis);
      });
      return y;
    });
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: [...this.outputSize], dataFormat: this.dataFormat };
  }
}

tfc.serialization.registerClass(AdaptiveAveragePooling2D);

export function adaptiveAveragePooling2d(args: AdaptiveAveragePooling2DArgs): AdaptiveAveragePooling2D {
  return new AdaptiveAveragePooling2D(args);
}
