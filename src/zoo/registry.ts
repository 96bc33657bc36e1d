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
  acceptsAlpha: boolean;
  /**
   * Params and MACs at the default options, so that `dnarch list` needs no TensorFlow.
   * A cache, not a source of truth: test/zoo-figures.test.ts recomputes every one.
   */
  figures: { params: number; macs: number };
  load: () => Promise<Builder>;
}

const VGG_PAPER = 'Simonyan & Zisserman, Very Deep Convolutional Networks (arXiv 1409.1556)';
const RESNET_PAPER = 'He et al., Deep Residual Learning for Image Recognition (arXiv 1512.03385)';

export const ZOO: readonly ZooEntry[] = [
  {
    name: 'vgg16', aliases: ['vgg'], family: 'VGG', year: 2014,
    paper: VGG_PAPER,
    defaultInputSize: 224, minInputSize: 32, acceptsAlpha: false,
    figures: { params: 138_357_544, macs: 15_470_264_320 },
    load: async () => (await import('./vgg.js')).vgg16,
  },
  {
    name: 'vgg19', aliases: [], family: 'VGG', year: 2014,
    paper: VGG_PAPER,
    defaultInputSize: 224, minInputSize: 32, acceptsAlpha: false,
    figures: { params: 143_667_240, macs: 19_632_062_464 },
    load: async () => (await import('./vgg.js')).vgg19,
  },
  {
    name: 'resnet50', aliases: ['resnet'], family: 'ResNet', year: 2015,
    paper: RESNET_PAPER,
    defaultInputSize: 224, minInputSize: 32, acceptsAlpha: false,
    figures: { params: 25_636_712, macs: 3_857_973_248 },
    load: async () => (await import('./resnet.js')).resnet50,
  },
  {
    name: 'resnet101', aliases: [], family: 'ResNet', year: 2015,
    paper: RESNET_PAPER,
    defaultInputSize: 224, minInputSize: 32, acceptsAlpha: false,
    figures: { params: 44_707_176, macs: 7_570_194_432 },
    load: async () => (await import('./resnet.js')).resnet101,
  },
  {
    name: 'resnet152', aliases: [], family: 'ResNet', year: 2015,
    paper: RESNET_PAPER,
    defaultInputSize: 224, minInputSize: 32, acceptsAlpha: false,
    figures: { params: 60_419_944, macs: 11_282_415_616 },
    load: async () => (await import('./resnet.js')).resnet152,
  },
  {
    name: 'inceptionv3', aliases: ['inception'], family: 'Inception', year: 2015,
    paper: 'Szegedy et al., Rethinking the Inception Architecture (arXiv 1512.00567)',
    defaultInputSize: 299, minInputSize: 75, acceptsAlpha: false,
    figures: { params: 23_851_784, macs: 5_713_216_096 },
    load: async () => (await import('./inception.js')).inceptionV3,
  },
  {
    name: 'xception', aliases: [], family: 'Xception', year: 2016,
    paper: 'Chollet, Xception: Deep Learning with Depthwise Separable Convolutions (arXiv 1610.02357)',
    defaultInputSize: 299, minInputSize: 71, acceptsAlpha: false,
    figures: { params: 22_910_480, macs: 8_357_403_496 },
    load: async () => (await import('./xception.js')).xception,
  },
  {
    name: 'mobilenet', aliases: ['mobilenetv1'], family: 'MobileNet', year: 2017,
    paper: 'Howard et al., MobileNets: Efficient CNNs for Mobile Vision (arXiv 1704.04861)',
    defaultInputSize: 224, minInputSize: 32, acceptsAlpha: true,
    figures: { params: 4_253_864, macs: 568_740_352 },
    load: async () => (await import('./mobilenet.js')).mobilenet,
  },
];

export function findModel(nameOrAlias: string): ZooEntry | undefined {
  const key = nameOrAlias.toLowerCase();
  return ZOO.find((e) => e.name === key || e.aliases.includes(key));
}

export const allNames = (): string[] => ZOO.flatMap((e) => [e.name, ...e.aliases]);
