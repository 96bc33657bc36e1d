import { describe, expect, it } from 'vitest';
import { zooEntry } from '../../src/api.js';
import { DnarchError } from '../../src/errors.js';
import { resolveOptions } from '../../src/zoo/options.js';
import { findModel, ZOO } from '../../src/zoo/registry.js';
import { closest, normalizeName, suggestModel } from '../../src/zoo/suggest.js';

const badOption = (fn: () => unknown, message: RegExp) => {
  expect(fn).toThrow(DnarchError);
  expect(fn).toThrow(message);
};

describe('model names', () => {
  it('resolves aliases', () => {
    expect(zooEntry('inception').name).toBe('inceptionv3');
    expect(zooEntry('resnet').name).toBe('resnet50');
    expect(zooEntry('vgg').name).toBe('vgg16');
    expect(zooEntry('ResNet50').name).toBe('resnet50');
  });

  it('suggests the closest name for a typo, and nothing for noise', () => {
    expect(() => zooEntry('resnt50')).toThrow('did you mean "resnet50"?');
    expect(() => zooEntry('xcepton')).toThrow('did you mean "xception"?');
    expect(closest('qqqqqqqqq', ['vgg16', 'resnet50'])).toBeUndefined();
    expect(() => zooEntry('qqqqqqqqq')).toThrow(/unknown model "qqqqqqqqq": not a zoo model, and no file or directory of that name exists/);
  });

  it('ignores case and the separators people write: _ - . and spaces', () => {
    expect(zooEntry('mobilenet_v2').name).toBe('mobilenetv2');
    expect(zooEntry('MobileNet V2').name).toBe('mobilenetv2');
    expect(zooEntry('mobilenet.v2').name).toBe('mobilenetv2');
    expect(zooEntry('Inception_ResNet_V2').name).toBe('inceptionresnetv2');
    expect(zooEntry('resnet-50').name).toBe('resnet50');
    expect(zooEntry('EfficientNet-B0').name).toBe('efficientnetb0');
    expect(findModel('')).toBeUndefined();
    expect(findModel('_-.')).toBeUndefined();
  });

  it('no two zoo models share a spelling once separators and case are ignored', () => {
    const owner = new Map<string, string>();
    for (const e of ZOO) {
      for (const s of [e.name, ...e.aliases]) {
        const key = normalizeName(s);
        expect(owner.get(key) ?? e.name, `${s} of ${e.name}`).toBe(e.name);
        owner.set(key, e.name);
      }
    }
  });

  it('never suggests another variant of a family: it lists what the family has', () => {
    const message = (name: string) => {
      try {
        zooEntry(name);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`${name} was found`);
    };
    expect(message('efficientnet-b3')).toBe('unknown model "efficientnet-b3": the zoo has no such EfficientNet model; it has efficientnetb0 (see `dnarch list`)');
    expect(message('mobilenetv3')).toBe('unknown model "mobilenetv3": the zoo has no such MobileNet model; it has mobilenet, mobilenetv2 (see `dnarch list`)');
    expect(message('vgg11')).toBe('unknown model "vgg11": the zoo has no such VGG model; it has vgg16, vgg19 (see `dnarch list`)');
    expect(message('resnet34')).not.toContain('did you mean');
    expect(message('resnet34')).toContain('resnet50, resnet101, resnet152');
    // A typo in the family's name, with a variant the zoo has: that model.
    expect(message('desnenet121')).toContain('did you mean "densenet121"?');
    // A typo in the family's name, with a variant it lacks: still the family, not a neighbour.
    expect(message('efficentnet-b3')).toContain('it has efficientnetb0');
    expect(message('efficentnet-b3')).not.toContain('did you mean');
  });

  it('a longer name that starts with a zoo name is not a typo of it', () => {
    expect(suggestModel('mobilenet-tfjs', ZOO)).toEqual({ kind: 'none' });
    expect(suggestModel('resnet50-finetuned', ZOO).kind).not.toBe('typo');
  });
});

describe('build options', () => {
  it('fills the defaults of each model', () => {
    expect(resolveOptions(zooEntry('xception'))).toEqual({ inputSize: [299, 299], classes: 1000, includeTop: true, pooling: 'none', alpha: 1 });
    expect(resolveOptions(zooEntry('mobilenet'), { inputSize: [160, 192], alpha: 0.5 }).inputSize).toEqual([160, 192]);
  });

  it('rejects impossible combinations with one clear line', () => {
    badOption(() => resolveOptions(zooEntry('inceptionv3'), { inputSize: 74 }), /too small for inceptionv3: it needs at least 75x75/);
    badOption(() => resolveOptions(zooEntry('resnet50'), { inputSize: 0 }), /--input-size must be a whole number/);
    badOption(() => resolveOptions(zooEntry('resnet50'), { inputSize: 100000 }), /--input-size must be a whole number from 1 to 4096/);
    badOption(() => resolveOptions(zooEntry('resnet50'), { classes: 0 }), /--classes/);
    badOption(() => resolveOptions(zooEntry('resnet50'), { alpha: 0.5 }), /--alpha applies to the MobileNets only/);
    badOption(() => resolveOptions(zooEntry('mobilenet'), { alpha: 0.3 }), /--alpha for mobilenet must be one of 0.25, 0.5, 0.75, 1/);
    badOption(() => resolveOptions(zooEntry('vgg16'), { pooling: 'avg' }), /--pooling applies only with --no-top/);
  });
});
