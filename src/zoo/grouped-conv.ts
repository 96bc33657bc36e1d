import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';

type Conv2DLayer = ReturnType<typeof tfl.layers.conv2d>;
type Conv2DArgs = Parameters<typeof tfl.layers.conv2d>[0];

/**
 * tfjs-layers does not export its Conv2D class by name, so it is taken from an instance.
 * The probe is named so that it does not advance tfjs' automatic-name counter for `conv2d`.
 */
const Conv2DBase = Object.getPrototypeOf(tfl.layers.conv2d({ filters: 1, kernelSize: 1, name: 'grouped_conv_probe' }))
  .constructor as new (args: Conv2DArgs) => Conv2DLayer;

/** Past this many groups, call() runs one depthwise convolution instead of one convolution per group. */
const MANY_GROUPS = 64;

export interface GroupedConv2DArgs extends Conv2DArgs {
  /** Input and output channels are split into this many independent groups (Keras' `groups`). */
  groups: number;
}

/**
 * Keras' Conv2D(groups=g), which tfjs' Conv2D lacks: channels are split into g groups and
 * group i's filters see only group i's input channels, so the kernel is
 * [kh, kw, Cin / g, filters] and the cost is 1/g of a full convolution. Krizhevsky et al.'s
 * 2012 AlexNet is two such groups, one per GPU. The class name stays 'Conv2D' so reports
 * say what Keras says; the cost handler reads `groups` from the config.
 *
 * Not registered for deserialisation: tfjs' own Conv2D owns that name, and a saved config
 * with groups > 1 would load into it with the wrong kernel shape.
 */
export class GroupedConv2D extends Conv2DBase {
  readonly groups: number;

  constructor(args: GroupedConv2DArgs) {
    const { groups, ...rest } = args;
    super(rest);
    if (!Number.isInteger(groups) || groups < 1 || rest.filters % groups !== 0) {
      throw new Error(`GroupedConv2D ${this.name}: groups must be a whole number dividing filters (${rest.filters}), got ${groups}`);
    }
    if (groups > 1 && this.dataFormat === 'channelsFirst') {
      throw new Error(`GroupedConv2D ${this.name}: only channelsLast is implemented for groups > 1`);
    }
    this.groups = groups;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channelAxis = this.dataFormat === 'channelsFirst' ? 1 : shape.length - 1;
    const inputDim = shape[channelAxis];
    if (inputDim == null || inputDim % this.groups !== 0) {
      throw new Error(`GroupedConv2D ${this.name}: ${inputDim} input channels do not split into ${this.groups} groups`);
    }
    const kernelShape = [...this.kernelSize, inputDim / this.groups, this.filters];
    this.kernel = this.addWeight('kernel', kernelShape, undefined, this.kernelInitializer, this.kernelRegularizer, true, this.kernelConstraint);
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], undefined, this.biasInitializer, this.biasRegularizer, true, this.biasConstraint);
    }
    this.inputSpec = [{ ndim: 4, axes: { [channelAxis]: inputDim } }];
    this.built = true;
  }

  /** One convolution per group on its slice of channels, outputs concatenated in group order. */
  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: Record<string, unknown>): tfc.Tensor | tfc.Tensor[] {
    if (this.groups === 1) return super.call(inputs, kwargs);
    const input = (Array.isArray(inputs) ? inputs[0] : inputs) as tfc.Tensor4D;
    if (this.padding === 'causal') throw new Error(`GroupedConv2D ${this.name}: causal padding is not supported`);
    const padding = this.padding;
    if (this.groups > MANY_GROUPS) return this.callAsDepthwise(input);
    return tfc.tidy(() => {
      const xs = tfc.split(input, this.groups, 3) as tfc.Tensor4D[];
      const ks = tfc.split(this.kernel.read(), this.groups, 3) as tfc.Tensor4D[];
      const strides = this.strides as [number, number];
      const dilations = this.dilationRate as [number, number];
      const parts = xs.map((x, g) => tfc.conv2d(x, ks[g], strides, padding, 'NHWC', dilations));
      let y: tfc.Tensor = tfc.concat(parts, 3);
      if (this.bias) y = tfc.add(y, this.bias.read());
      return this.activation.apply(y);
    });
  }

  /**
   * The same convolution in four ops whatever the group count, for many groups (one op per
   * group would be 100,000 ops a run for groups: 100000): each input channel of group g is
   * convolved with g's m = filters / groups filters by one depthwise convolution (channel
   * multiplier m; output channel (g c + i) m + j), then the c = Cin / groups channels of each
   * group are summed. The MACs are the grouped convolution's; the intermediate is c times
   * the output.
   */
  private callAsDepthwise(input: tfc.Tensor4D): tfc.Tensor {
    return tfc.tidy(() => {
      const kernel = this.kernel.read() as tfc.Tensor4D;
      const [kh, kw, c, filters] = kernel.shape;
      const g = this.groups;
      const m = filters / g;
      // [kh, kw, c, g, m] -> [kh, kw, g, c, m]: depthwise input channel g c + i, multiplier j.
      const k = tfc.reshape(tfc.transpose(tfc.reshape(kernel, [kh, kw, c, g, m]), [0, 1, 3, 2, 4]), [kh, kw, g * c, m]) as tfc.Tensor4D;
      const strides = this.strides as [number, number];
      const dilations = this.dilationRate as [number, number];
      const z = tfc.depthwiseConv2d(input, k, strides, this.padding as 'same' | 'valid', 'NHWC', dilations);
      const [n, h, w] = z.shape;
      let y: tfc.Tensor = c === 1 ? z : tfc.reshape(tfc.sum(tfc.reshape(z, [n * h * w * g, c, m]), 1), [n, h, w, g * m]);
      if (this.bias) y = tfc.add(y, this.bias.read());
      return this.activation.apply(y);
    });
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}

export function groupedConv2d(args: GroupedConv2DArgs): GroupedConv2D {
  return new GroupedConv2D(args);
}
