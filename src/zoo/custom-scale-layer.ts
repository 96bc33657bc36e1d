import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface CustomScaleLayerArgs extends LayerArgs {
  /** Factor applied to the residual (the second input) before it is added to the first. */
  scale: number;
}

const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Keras 3's CustomScaleLayer (keras/src/applications/inception_resnet_v2.py): the scaled
 * residual sum of an Inception-ResNet block, `inputs[0] + inputs[1] * scale`, i.e. the
 * shortcut plus the scaled output of the block's 1x1 "up" convolution. tf.keras 2 wrote
 * it as a Lambda, which tfjs cannot represent; the class name is Keras 3's so reports and
 * saved configs say what Keras says. It owns no weights: `scale` is a constant.
 */
export class CustomScaleLayer extends tfl.layers.Layer {
  static readonly className = 'CustomScaleLayer';
  readonly scale: number;

  constructor(args: CustomScaleLayerArgs) {
    super(args);
    this.scale = args.scale;
  }

  /**
   * Keras would broadcast, but every Inception-ResNet block adds two maps of one shape;
   * anything else is a builder bug, better caught at build time than reported as a merge.
   */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    if (!Array.isArray(shapes[0]) || shapes.length !== 2 || !sameShape(shapes[0], shapes[1])) {
      throw new Error(`CustomScaleLayer expects [shortcut, residual] of one shape, got ${JSON.stringify(inputShape)}`);
    }
    return [...shapes[0]];
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    const [shortcut, residual] = inputs as tfc.Tensor[];
    return tfc.tidy(() => tfc.add(shortcut, tfc.mul(residual, this.scale)));
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

// Lets tfjs deserialise configs that name the class (a Keras 3 InceptionResNetV2's JSON).
tfc.serialization.registerClass(CustomScaleLayer);
