// Writes fixtures/inception-3a/model.json: GoogLeNet's inception (3a) module (Szegedy et al. 2014,
// Table 1: 28x28x192 in; 1x1 64; 3x3 reduce 96, 3x3 128; 5x5 reduce 16, 5x5 32; pool proj 32).
// Run: npx tsx scripts/make-inception-3a-fixture.mts
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileSync } from 'node:fs';
import { ensureAnalysisBackend } from '../src/engines/analysis-backend.js';
await ensureAnalysisBackend();
const z = { kernelInitializer: 'zeros' } as const;
const x = tfl.input({ shape: [28, 28, 192], name: 'input' });
const c = (name: string, filters: number, k: number, inp: any) =>
  tfl.layers.conv2d({ name, filters, kernelSize: k, padding: 'same', activation: 'relu', ...z }).apply(inp) as any;
const b1 = c('inception_3a_1x1', 64, 1, x);
const b2 = c('inception_3a_3x3', 128, 3, c('inception_3a_3x3_reduce', 96, 1, x));
const b3 = c('inception_3a_5x5', 32, 5, c('inception_3a_5x5_reduce', 16, 1, x));
const pool = tfl.layers.maxPooling2d({ name: 'inception_3a_pool', poolSize: 3, strides: 1, padding: 'same' }).apply(x);
const b4 = c('inception_3a_pool_proj', 32, 1, pool);
const out = tfl.layers.concatenate({ name: 'inception_3a_output', axis: -1 }).apply([b1, b2, b3, b4]) as any;
const m = tfl.model({ inputs: x, outputs: out, name: 'googlenet_inception_3a' });
const topology = m.toJSON(null, false) as any;
writeFileSync('fixtures/inception-3a/model.json', JSON.stringify({ format: 'layers-model', generatedBy: 'dnarch fixture (tfjs-layers 4.22 model.toJSON)', convertedBy: null, modelTopology: topology }, null, 1) + '\n');
