import { ZooBuilder } from './builder.js';
import { avgPool, conv, maxPool, reduce, runBranch, runModule, split, STEM, type Module } from './inception-units.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * InceptionV3, layer for layer as keras/src/applications/inception_v3.py builds it.
 *
 * Keras names almost nothing here: every conv2d_bn unit gets auto names (`conv2d_42`,
 * `batch_normalization_42`, `activation_42`), so the order in which layers are created
 * decides every name. The tables below list each module's branches in Keras' creation
 * order; inception-units.ts runs them, creating a branch's layers one after the other,
 * as Keras does.
 */

/** mixed0-2 (35x35): 1x1, 5x5, double 3x3 and pooled branches. */
const moduleA = (name: string, poolFilters: number): Module => ({
  name,
  branches: [
    [conv(64, 1, 1)],
    [conv(48, 1, 1), conv(64, 5, 5)],
    [conv(64, 1, 1), conv(96, 3, 3), conv(96, 3, 3)],
    [avgPool, conv(poolFilters, 1, 1)],
  ],
});

/** mixed3: grid reduction 35x35 -> 17x17. */
const MIXED3: Module = {
  name: 'mixed3',
  branches: [
    [reduce(384, 3, 3)],
    [conv(64, 1, 1), conv(96, 3, 3), reduce(96, 3, 3)],
    [maxPool],
  ],
};

/** mixed4-7 (17x17): factorised 7x7 branches whose inner width `c7` grows per module. */
const moduleC = (name: string, c7: number): Module => ({
  name,
  branches: [
    [conv(192, 1, 1)],
    [conv(c7, 1, 1), conv(c7, 1, 7), conv(192, 7, 1)],
    [conv(c7, 1, 1), conv(c7, 7, 1), conv(c7, 1, 7), conv(c7, 7, 1), conv(192, 1, 7)],
    [avgPool, conv(192, 1, 1)],
  ],
});

/** mixed8: grid reduction 17x17 -> 8x8. */
const MIXED8: Module = {
  name: 'mixed8',
  branches: [
    [conv(192, 1, 1), reduce(320, 3, 3)],
    [conv(192, 1, 1), conv(192, 1, 7), conv(192, 7, 1), reduce(192, 3, 3)],
    [maxPool],
  ],
};

/** mixed9-10 (8x8): branches that fan out into 1x3 and 3x1 convs. `i` is Keras' loop index. */
const moduleE = (i: number): Module => ({
  name: `mixed${9 + i}`,
  branches: [
    [conv(320, 1, 1)],
    [conv(384, 1, 1), split([conv(384, 1, 3), conv(384, 3, 1)], `mixed9_${i}`)],
    [conv(448, 1, 1), conv(384, 3, 3), split([conv(384, 1, 3), conv(384, 3, 1)])],
    [avgPool, conv(192, 1, 1)],
  ],
});

const MODULES: readonly Module[] = [
  moduleA('mixed0', 32),
  moduleA('mixed1', 64),
  moduleA('mixed2', 64),
  MIXED3,
  moduleC('mixed4', 128),
  moduleC('mixed5', 160),
  moduleC('mixed6', 160),
  moduleC('mixed7', 192),
  MIXED8,
  moduleE(0),
  moduleE(1),
];

export const inceptionV3: Builder = (opts: BuildOptions): BuiltModel => {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = b.block('stem', () => runBranch(b, STEM, input));
  for (const mod of MODULES) x = runModule(b, mod, x);
  return b.finish(input, b.avgPoolTop(opts, x), 'inception_v3');
};
