import { normalizeName } from './suggest.js';
import type { Builder } from './types.js';

/**
 * The zoo: names, aliases and facts about each architecture. Loading a builder is lazy
 * so that `dnarch list` and `dnarch --help` never load TensorFlow.
 */
export interface ZooEntry {
  name: string;
  aliases: string[];
  family: string;
  year: number;
  paper: string;
  /** Default (and Keras' pretrained) input size, square. */
  defaultInputSize: number;
  /** Smallest input Keras accepts for this model. */
  minInputSize: number;
  /** Classes of the classifier by default: 1000 (ImageNet) unless said otherwise (CIFAR: 10). */
  defaultClasses?: number;
  /** Width multipliers Keras offers (MobileNets); absent when the model has none. */
  alphas?: readonly number[];
  /**
   * Params and MACs at the default options, so that `dnarch list` needs no TensorFlow.
   * A cache, not a source of truth: test/zoo-figures.test.ts recomputes every one.
   */
  figures: { params: number; macs: number };
  load: () => Promise<Builder>;
}

const VGG_PAPER = 'Simonyan & Zisserman, Very Deep Convolutional Networks (arXiv 1409.1556)';
const DENSENET_PAPER = 'Huang et al., Densely Connected Convolutional Networks (arXiv 1608.06993)';
const RESNET_V2_PAPER = 'He et al., Identity Mappings in Deep Residual Networks (arXiv 1603.05027)';
const RESNET_PAPER = 'He et al., Deep Residual Learning for Image Recognition (arXiv 1512.03385)';

/** In the order the seed article tells the story: AlexNet and VGG first, EfficientNet last. */
export const ZOO: readonly ZooEntry[] = [
  {
    name: 'alexnet2012', aliases: [], family: 'AlexNet', year: 2012,
    paper: 'Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep CNNs (NIPS 2012); two-tower grouped net',
    defaultInputSize: 227, minInputSize: 67, // the smallest input that leaves pool5 at least 1x1
    figures: { params: 60_965_224, macs: 724_406_816 },
    load: async () => (await import('./alexnet.js')).alexnet2012,
  },
  {
    name: 'alexnet', aliases: [], family: 'AlexNet', year: 2014,
    paper: 'Krizhevsky, One weird trick for parallelizing CNNs (arXiv 1404.5997); torchvision single-tower AlexNet',
    defaultInputSize: 224, minInputSize: 63, // torchvision's min_size
    figures: { params: 61_100_840, macs: 714_188_480 },
    load: async () => (await import('./alexnet.js')).alexnet,
  },
  {
    name: 'vgg16', aliases: ['vgg'], family: 'VGG', year: 2014,
    paper: VGG_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 138_357_544, macs: 15_470_264_320 },
    load: async () => (await import('./vgg.js')).vgg16,
  },
  {
    name: 'vgg19', aliases: [], family: 'VGG', year: 2014,
    paper: VGG_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 143_667_240, macs: 19_632_062_464 },
    load: async () => (await import('./vgg.js')).vgg19,
  },
  {
    name: 'googlenet', aliases: ['inceptionv1'], family: 'Inception', year: 2014,
    paper: 'Szegedy et al., Going Deeper with Convolutions (arXiv 1409.4842); torchvision GoogLeNet with BatchNorm',
    defaultInputSize: 224, minInputSize: 15, // torchvision's min_size
    figures: { params: 6_639_464, macs: 1_498_376_192 },
    load: async () => (await import('./googlenet.js')).googlenet,
  },
  {
    name: 'inceptionv3', aliases: ['inception'], family: 'Inception', year: 2015,
    paper: 'Szegedy et al., Rethinking the Inception Architecture (arXiv 1512.00567)',
    defaultInputSize: 299, minInputSize: 75,
    figures: { params: 23_851_784, macs: 5_713_216_096 },
    load: async () => (await import('./inception.js')).inceptionV3,
  },
  {
    name: 'inceptionresnetv2', aliases: ['inception-resnet-v2', 'inceptionresnet'], family: 'Inception', year: 2016,
    paper: 'Szegedy et al., Inception-v4, Inception-ResNet and the Impact of Residual Connections on Learning (arXiv 1602.07261)',
    defaultInputSize: 299, minInputSize: 75,
    figures: { params: 55_873_736, macs: 13_155_794_016 },
    load: async () => (await import('./inception-resnet-v2.js')).inceptionResnetV2,
  },
  {
    name: 'resnet50', aliases: ['resnet'], family: 'ResNet', year: 2015,
    paper: RESNET_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 25_636_712, macs: 3_857_973_248 },
    load: async () => (await import('./resnet.js')).resnet50,
  },
  {
    name: 'resnet101', aliases: [], family: 'ResNet', year: 2015,
    paper: RESNET_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 44_707_176, macs: 7_570_194_432 },
    load: async () => (await import('./resnet.js')).resnet101,
  },
  {
    name: 'resnet152', aliases: [], family: 'ResNet', year: 2015,
    paper: RESNET_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 60_419_944, macs: 11_282_415_616 },
    load: async () => (await import('./resnet.js')).resnet152,
  },
  {
    name: 'resnet50v2', aliases: ['resnetv2'], family: 'ResNetV2', year: 2016,
    paper: RESNET_V2_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 25_613_800, macs: 3_482_255_360 },
    load: async () => (await import('./resnet-v2.js')).resnet50v2,
  },
  {
    name: 'resnet101v2', aliases: [], family: 'ResNetV2', year: 2016,
    paper: RESNET_V2_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 44_675_560, macs: 7_194_476_544 },
    load: async () => (await import('./resnet-v2.js')).resnet101v2,
  },
  {
    name: 'resnet152v2', aliases: [], family: 'ResNetV2', year: 2016,
    paper: RESNET_V2_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 60_380_648, macs: 10_906_697_728 },
    load: async () => (await import('./resnet-v2.js')).resnet152v2,
  },
  {
    name: 'resnet110', aliases: [], family: 'ResNet (CIFAR)', year: 2015,
    paper: RESNET_PAPER,
    defaultInputSize: 32, minInputSize: 32, defaultClasses: 10,
    figures: { params: 1_736_058, macs: 252_887_680 },
    load: async () => (await import('./cifar-resnet.js')).resnet110,
  },
  {
    name: 'resnet1202', aliases: [], family: 'ResNet (CIFAR)', year: 2015,
    paper: RESNET_PAPER,
    defaultInputSize: 32, minInputSize: 32, defaultClasses: 10,
    figures: { params: 19_510_906, macs: 2_829_238_912 },
    load: async () => (await import('./cifar-resnet.js')).resnet1202,
  },
  {
    name: 'resnet1001', aliases: [], family: 'ResNet (CIFAR)', year: 2016,
    paper: RESNET_V2_PAPER,
    defaultInputSize: 32, minInputSize: 32, defaultClasses: 10,
    figures: { params: 10_476_922, macs: 1_487_849_984 },
    load: async () => (await import('./cifar-resnet.js')).resnet1001,
  },
  {
    name: 'xception', aliases: [], family: 'Xception', year: 2016,
    paper: 'Chollet, Xception: Deep Learning with Depthwise Separable Convolutions (arXiv 1610.02357)',
    defaultInputSize: 299, minInputSize: 71,
    figures: { params: 22_910_480, macs: 8_357_403_496 },
    load: async () => (await import('./xception.js')).xception,
  },
  {
    name: 'densenet121', aliases: ['densenet'], family: 'DenseNet', year: 2016,
    paper: DENSENET_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 8_062_504, macs: 2_834_161_664 },
    load: async () => (await import('./densenet.js')).densenet121,
  },
  {
    name: 'densenet169', aliases: [], family: 'DenseNet', year: 2016,
    paper: DENSENET_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 14_307_880, macs: 3_359_843_328 },
    load: async () => (await import('./densenet.js')).densenet169,
  },
  {
    name: 'densenet201', aliases: [], family: 'DenseNet', year: 2016,
    paper: DENSENET_PAPER,
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 20_242_984, macs: 4_291_365_888 },
    load: async () => (await import('./densenet.js')).densenet201,
  },
  {
    name: 'mobilenet', aliases: ['mobilenetv1'], family: 'MobileNet', year: 2017,
    paper: 'Howard et al., MobileNets: Efficient CNNs for Mobile Vision (arXiv 1704.04861)',
    defaultInputSize: 224, minInputSize: 32, alphas: [0.25, 0.5, 0.75, 1.0],
    figures: { params: 4_253_864, macs: 568_740_352 },
    load: async () => (await import('./mobilenet.js')).mobilenet,
  },
  {
    name: 'mobilenetv2', aliases: ['mobilenet-v2'], family: 'MobileNet', year: 2018,
    paper: 'Sandler et al., MobileNetV2: Inverted Residuals and Linear Bottlenecks (arXiv 1801.04381)',
    defaultInputSize: 224, minInputSize: 32, alphas: [0.35, 0.5, 0.75, 1.0, 1.3, 1.4],
    figures: { params: 3_538_984, macs: 300_774_272 },
    load: async () => (await import('./mobilenet-v2.js')).mobilenetV2,
  },
  {
    name: 'nasnetmobile', aliases: ['nasnet'], family: 'NASNet', year: 2017,
    paper: 'Zoph et al., Learning Transferable Architectures for Scalable Image Recognition (arXiv 1707.07012)',
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 5_326_716, macs: 563_638_816 },
    load: async () => (await import('./nasnet.js')).nasnetMobile,
  },
  {
    name: 'efficientnetb0', aliases: ['efficientnet', 'efficientnet-b0'], family: 'EfficientNet', year: 2019,
    paper: 'Tan & Le, EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks (arXiv 1905.11946)',
    defaultInputSize: 224, minInputSize: 32,
    figures: { params: 5_330_571, macs: 385_814_752 },
    load: async () => (await import('./efficientnet.js')).efficientnetB0,
  },
];

/** The zoo model a name or alias stands for, in any case and with or without separators: MobileNet_V2 is mobilenetv2. */
export function findModel(nameOrAlias: string): ZooEntry | undefined {
  const key = normalizeName(nameOrAlias);
  if (key === '') return undefined;
  return ZOO.find((e) => normalizeName(e.name) === key || e.aliases.some((a) => normalizeName(a) === key));
}

