/**
 * SharedConstants: weights of one shape share one tensor's data, with tfjs' Zeros / Ones
 * values and names, and a weight set later gets data of its own.
 */
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { SharedConstants } from '../../src/zoo/shared-init.js';

describe('SharedConstants', () => {
  it('two conv kernels of one shape share data; values are zeros and ones; setWeights separates them', () => {
    const c = new SharedConstants();
    const x = tfl.input({ shape: [8, 8, 4] });
    const conv = (name: string) => tfl.layers.conv2d({ name, filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: c.zeros, biasInitializer: c.zeros });
    const a = conv('a');
    const b = conv('b');
    const bn = tfl.layers.batchNormalization({ name: 'bn', gammaInitializer: c.ones, betaInitializer: c.zeros });
    bn.apply(b.apply(a.apply(x)));
    const before = tfc.memory();
    c.release();
    // The cache held one tensor per value and shape: zeros 3x3x4x4, zeros [4], ones [4]
    // (bn's beta and moving mean share the zeros [4]). Releasing them frees no data the
    // variables hold.
    expect(tfc.memory().numTensors).toBe(before.numTensors - 3);
    expect(tfc.memory().numDataBuffers).toBe(before.numDataBuffers);
    const [ka, ba] = a.getWeights();
    const [kb] = b.getWeights();
    expect(ka.shape).toEqual([3, 3, 4, 4]);
    expect((ka as unknown as { dataId: object }).dataId).toBe((kb as unknown as { dataId: object }).dataId);
    expect(Array.from(ka.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(ba.dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(bn.getWeights()[0].dataSync())).toEqual([1, 1, 1, 1]);
    // Serialised as tfjs' own initializers.
    const cfg = a.getConfig() as { kernelInitializer: { className: string } };
    expect(cfg.kernelInitializer.className).toBe('Zeros');
    expect((bn.getConfig() as { gammaInitializer: { className: string } }).gammaInitializer.className).toBe('Ones');
    // A weight set later has its own data: b's kernel is untouched.
    a.setWeights([tfc.fill([3, 3, 4, 4], 2), ba]);
    expect(a.getWeights()[0].dataSync()[0]).toBe(2);
    expect(Array.from(b.getWeights()[0].dataSync()).every((v) => v === 0)).toBe(true);
  });
});
