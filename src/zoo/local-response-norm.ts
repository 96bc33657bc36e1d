import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface LocalResponseNormalizationArgs extends LayerArgs {
  /** Channels on each side of the normalised one that enter its sum (n = 2r + 1). */
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

/**
 * Local response normalisation across channels (Krizhevsky et al. 2012, sec. 3.3):
 * b = a / (bias + alpha * sum of a^2 over the 2r + 1 neighbouring channels)^beta.
 * Neither Keras nor tfjs-layers has it as a layer (tf.nn.local_response_normalization is
 * an op), so the class is named after that op. No weights; channels-last input.
 */
export class LocalResponseNormalization extends tfl.layers.Layer {
  static readonly className = 'LocalResponseNormalization';
  readonly depthRadius: number;
  readonly bias: number;
  readonly alpha: number;
  readonly beta: number;

  constructor(args: LocalResponseNormalizationArgs) {
    const { depthRadius, bias, alpha, beta, ...rest } = args;
    super(rest);
    this.depthRadius = depthRadius;
    this.bias = bias;
    this.alpha = alpha;
    this.beta = beta;
    this.inputSpec = [{ ndim: 4 }];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape)];
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    const input = (Array.isArray(inputs) ? inputs[0] : inputs) as tfc.Tensor4D;
    return tfc.tidy(() => tfc.localResponseNormalization(input, this.depthRadius, this.bias, this.alpha, this.beta));
  }

  override getConfig(): tfc.serialization.ConfigDict {
    const { depthRadius, bias, alpha, beta } = this;
    return { ...super.getConfig(), depthRadius, bias, alpha, beta };
  }
}

tfc.serialization.registerClass(LocalResponseNormalization);
