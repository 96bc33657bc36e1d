import { describe, expect, it } from 'vitest';
import { zooEntry } from '../../src/api.js';
import { DnarchError } from '../../src/errors.js';
import { resolveOptions } from '../../src/zoo/options.js';
import { closest } from '../../src/zoo/suggest.js';

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
    expect(() => zooEntry('qqqqqqqqq')).toThrow(/unknown model "qqqqqqqqq": run `dnarch list`/);
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
