import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable, Shape } from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface NormalizationArgs extends LayerArgs {
  /** The one axis that keeps its own mean and variance (Keras' `axis`, an int here). */
  axis?: number;
}

/** Keras' floor on the standard deviation (keras.config.epsilon()), so a zero variance cannot divide by 0. */
const EPSILON = 1e-7;

/**
 * Keras' preprocessing Normalization layer (keras/src/layers/preprocessing/normalization.py),
 * which tfjs lacks; EfficientNet puts one in its stem. Keras builds it, when no mean and
 * variance are passed, with three non-trainable weights: `mean` (zeros) and `variance`
 * (ones), one value per index of `axis`, and a scalar integer `count` kept for old saved
 * models: 2C + 1 parameters, all non-trainable (7 for RGB). call() computes
 * (x - mean) / max(sqrt(variance), epsilon), broadcasting over the other axes.
 * The class name stays 'Normalization' so reports say what Keras says.
 */
export class Normalization extends tfl.layers.Layer {
  static readonly className = 'Normalization';
  readonly axis: number;
  private mean?: LayerVariable;
  private variance?: LayerVariable;

  constructor(args: NormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }

  /** `axis` as a non-negative index into a shape of `rank` dimensions. */
  private axisIn(rank: number): number {
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 1 || axis >= rank) {
      throw new Error(`Normalization axis ${this.axis} is out of range for inputs of rank ${rank}`);
    }
    return axis;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const size = shape[this.axisIn(shape.length)];
    if (size == null) throw new Error('Normalization needs a known size along its axis');
    const zeros = tfl.initializers.zeros();
    this.mean = this.addWeight('mean', [size], 'float32', zeros, undefined, false);
    this.variance = this.addWeight('variance', [size], 'float32', tfl.initializers.ones(), undefined, false);
    // Keras' `count` (an int64 scalar) is only read by old saved models, never by call().
    this.addWeight('count', [], 'int32', zeros, undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!this.mean || !this.variance) throw new Error('Normalization called before it was built');
    const mean = this.mean.read();
    const variance = this.variance.read();
    return tfc.tidy(() => {
      // Stats of shape [C] broadcast as [1, ..., C, ..., 1] with C at `axis`. Functional ops
      // only: tfjs-core alone does not install the chained tensor methods (t.reshape).
      const broadcast = x.shape.map((d, i) => (i === this.axisIn(x.rank) ? d : 1));
      const std = tfc.maximum(tfc.sqrt(tfc.reshape(variance, broadcast)), EPSILON);
      return tfc.div(tfc.sub(x, tfc.reshape(mean, broadcast)), std);
    });
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}

// Lets tfjs deserialise configs that name the class.
tfc.serialization.registerClass(Normalization);
