// Writes fixtures/diff/*.json: pairs of small tfjs layers-models (topology only) for `dnarch diff`.
//   base.json     input 32x32x3 -> stem_conv 3x3x16 -> [block1_conv1 3x3x16 -> block1_conv2 3x3x16]
//                 + stem_conv (block1_add) -> block1_relu -> pool (global average) -> predictions Dense 10
//   added.json    base + head_conv (1x1x16, relu) between block1_relu and pool
//   filters.json  base with block1_conv1 at 24 filters instead of 16
//   removed.json  base without the residual block (block1_*): stem_conv -> pool
// Run: npx tsx scripts/make-diff-fixtures.mts
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { writeFileSync } from 'node:fs';
import { ensureAnalysisBackend } from '../src/engines/analysis-backend.js';

await ensureAnalysisBackend();

interface Variant {
  block1Filters?: number;
  withBlock?: boolean;
  headConv?: boolean;
}

const conv = (name: string, filters: number, k: number, activation: 'relu' | 'linear', x: SymbolicTensor): SymbolicTensor =>
  tfl.layers.conv2d({ name, filters, kernelSize: k, padding: 'same', activation, kernelInitializer: 'zeros' }).apply(x) as SymbolicTensor;

function build({ block1Filters = 16, withBlock = true, headConv = false }: Variant) {
  const input = tfl.input({ shape: [32, 32, 3], name: 'input' });
  let x = conv('stem_conv', 16, 3, 'relu', input);
  if (withBlock) {
    const y = conv('block1_conv2', 16, 3, 'linear', conv('block1_conv1', block1Filters, 3, 'relu', x));
    x = tfl.layers.add({ name: 'block1_add' }).apply([x, y]) as SymbolicTensor;
    x = tfl.layers.activation({ name: 'block1_relu', activation: 'relu' }).apply(x) as SymbolicTensor;
  }
  if (headConv) x = conv('head_conv', 16, 1, 'relu', x);
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as SymbolicTensor;
  const out = tfl.layers.dense({ name: 'predictions', units: 10, activation: 'softmax', kernelInitializer: 'zeros' }).apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'tiny_resnet' });
}

const variants: Record<string, Variant> = {
  base: {},
  added: { headConv: true },
  filters: { block1Filters: 24 },
  removed: { withBlock: false },
};

for (const [file, v] of Object.entries(variants)) {
  const m = build(v);
  const modelTopology = m.toJSON(null, false);
  const doc = { format: 'layers-model', generatedBy: 'dnarch fixture (tfjs-layers 4.22 model.toJSON)', convertedBy: null, modelTopology };
  writeFileSync(`fixtures/diff/${file}.json`, `${JSON.stringify(doc, null, 1)}\n`);
  m.dispose();
}
