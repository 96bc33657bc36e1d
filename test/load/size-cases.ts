/**
 * Hostile model files of the "size without a bound" family (issue 14): huge or deeply
 * nested JSON, a .keras archive with a huge config.json, layers whose numbers make shapes
 * astronomically large, very wide fan-ins and very long chains. Each case is written into a
 * directory; test/load/size-bounds.test.ts runs the CLI on them. `scale` shrinks the 60 MB
 * JSON files (1 = the sizes of the issue), never below what passes src/load/limits.ts'
 * SIZE_LIMITS; the graphs always have the issue's sizes (18,000 inputs, 19,990 layers).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';

type Json = Record<string, unknown>;

const input = (name: string, shape: (number | null)[]): Json => ({
  class_name: 'InputLayer',
  config: { name, batch_input_shape: [null, ...shape], dtype: 'float32' },
});

/** A tfjs model.json around a Keras 2 model config. */
const modelJson = (modelConfig: Json): Json => ({
  format: 'layers-model',
  generatedBy: 'keras v2.15.0',
  modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: modelConfig },
  weightsManifest: [],
});

const sequential = (layers: Json[]): Json => modelJson({ class_name: 'Sequential', config: { name: 'seq', layers } });

/** A Keras 2 functional model config: `layers` with their inbound nodes, one input, one output. */
const functional = (layers: Json[], output: string, outputCall = 0): Json =>
  modelJson({
    class_name: 'Functional',
    config: { name: 'fn', layers, input_layers: [['in', 0, 0]], output_layers: [[output, outputCall, 0]] },
  });

const call = (...from: string[]): unknown[] => [from.map((n) => [n, 0, 0, {}])];

const layer = (class_name: string, name: string, config: Json, inbound: string[]): Json => ({
  class_name,
  name,
  config: { name, ...config },
  inbound_nodes: call(...inbound),
});

export interface SizeCase {
  name: string;
  file: string;
}

/** `depth` nested arrays, as text (JSON.stringify would recurse). */
const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Writes the cases into `dir`. */
export function writeSizeCases(dir: string, scale = 1): SizeCase[] {
  const cases: SizeCase[] = [];
  const put = (name: string, file: string, data: string | Uint8Array): void => {
    const path = join(dir, file);
    writeFileSync(path, data);
    cases.push({ name, file: path });
  };
  const n = (big: number, min: number): number => Math.max(min, Math.round(big * scale));

  // 1. Deep JSON: a 60 MB model.json of 30,000,000 nested arrays (or 10,000,000 nested objects).
  const deep = n(30_000_000, 20_000);
  put('deep arrays', 'deep-arrays.json', `{"format":"layers-model","modelTopology":{"model_config":{"class_name":"Sequential","config":{"layers":${nestedArrays(deep)}}}}}`);
  put('deep objects', 'deep-objects.json', `{"format":"layers-model","modelTopology":{"model_config":{"class_name":"Sequential","config":{"name":"x","layers":[${nestedObjects(Math.ceil(deep / 3))}]}}}}`);
  // 2. Wide JSON: ~60 MB of one flat array / one object with millions of keys, inside a layer config.
  const wide = n(30_000_000, 2_100_000);
  const flat = `${'1,'.repeat(wide - 1)}1`;
  const seqWith = (extra: string): string =>
    `{"format":"layers-model","modelTopology":{"model_config":{"class_name":"Sequential","config":{"name":"s","layers":[` +
    `{"class_name":"InputLayer","config":{"name":"in","batch_input_shape":[null,8],"dtype":"float32"}},` +
    `{"class_name":"Dense","config":{"name":"d","units":4,${extra}}}]}}}}`;
  put('wide array', 'wide-array.json', seqWith(`"junk":[${flat}]`));
  const keys = n(5_000_000, 10_001);
  let obj = '';
  for (let i = 0; i < keys; i++) obj += `${i ? ',' : ''}"k${i}":1`;
  put('wide object', 'wide-object.json', seqWith(`"junk":{${obj}}`));
  // 3. A .keras archive whose config.json is ~60 MB (under the 64 MiB entry cap), stored (deflated, it would pass the ratio cap).
  const kerasConfig = JSON.stringify({
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: 's',
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, 8], dtype: 'float32' } },
        { module: 'keras.layers', class_name: 'Dense', config: { name: 'd', units: 4, junk: 'PLACEHOLDER' } },
      ],
    },
  }).replace('"PLACEHOLDER"', `[${flat}]`);
  put(
    'big .keras config.json',
    'big-config.keras',
    zipSync({ 'metadata.json': new TextEncoder().encode('{"keras_version": "3.5.0"}'), 'config.json': [new TextEncoder().encode(kerasConfig), { level: 0 }] }),
  );

  // 4. Conv2D with groups 100000 (and as many channels, so the groups divide them).
  put(
    'groups 100000',
    'groups.json',
    JSON.stringify(
      sequential([
        input('in', [4, 4, 100_000]),
        { class_name: 'Conv2D', config: { name: 'c', filters: 100_000, kernel_size: [1, 1], groups: 100_000, padding: 'same' } },
      ]),
    ),
  );

  // 5. An 18,000-way fan-in: Add and Concatenate of 18,000 Dense branches.
  const fan = 18_000;
  for (const [cls, file] of [['Add', 'fan-in-add.json'], ['Concatenate', 'fan-in-concat.json']] as const) {
    const branches = Array.from({ length: fan }, (_, i) => layer('Dense', `d${i}`, { units: 2 }, ['in']));
    const merge = layer(cls, 'merge', cls === 'Concatenate' ? { axis: -1 } : {}, branches.map((b) => b.name as string));
    put(`${fan}-way ${cls}`, file, JSON.stringify(functional([{ ...input('in', [4]), name: 'in', inbound_nodes: [] }, ...branches, merge], 'merge')));
  }

  // 6. Astronomical shapes: padding 1e9, a transposed conv of stride 1e9, chains of them.
  put(
    'ZeroPadding2D 1e9',
    'zero-padding.json',
    JSON.stringify(sequential([input('in', [8, 8, 3]), { class_name: 'ZeroPadding2D', config: { name: 'p', padding: [[1e9, 1e9], [1e9, 1e9]] } }])),
  );
  put(
    'Conv2DTranspose stride 1e9',
    'transpose-stride.json',
    JSON.stringify(
      sequential([
        input('in', [8, 8, 3]),
        { class_name: 'Conv2DTranspose', config: { name: 't', filters: 4, kernel_size: [3, 3], strides: [1e9, 1e9], padding: 'same' } },
      ]),
    ),
  );
  // Each padding within every per-number cap, the shape past 2^31 after a few layers.
  put(
    'stacked ZeroPadding2D',
    'stacked-padding.json',
    JSON.stringify(
      sequential([
        input('in', [8, 8, 3]),
        ...Array.from({ length: 30 }, (_, i) => ({ class_name: 'ZeroPadding2D', config: { name: `p${i}`, padding: [[50_000, 50_000], [50_000, 50_000]] } })),
      ]),
    ),
  );
  put(
    'stacked UpSampling2D',
    'stacked-upsampling.json',
    JSON.stringify(
      sequential([input('in', [8, 8, 3]), ...Array.from({ length: 12 }, (_, i) => ({ class_name: 'UpSampling2D', config: { name: `u${i}`, size: [1000, 1000] } }))]),
    ),
  );

  // 7. Long chains: a 19,990-layer Sequential and a 19,990-deep functional chain.
  const chain = 19_990;
  put(
    `${chain}-layer Sequential`,
    'long-sequential.json',
    JSON.stringify(sequential([input('in', [4]), ...Array.from({ length: chain }, (_, i) => ({ class_name: 'Dense', config: { name: `d${i}`, units: 4 } }))])),
  );
  const links = Array.from({ length: chain }, (_, i) => layer('Dense', `d${i}`, { units: 4 }, [i === 0 ? 'in' : `d${i - 1}`]));
  put(
    `${chain}-deep functional chain`,
    'long-functional.json',
    JSON.stringify(functional([{ ...input('in', [4]), name: 'in', inbound_nodes: [] }, ...links], `d${chain - 1}`)),
  );
  // The same chain listed last layer first: tfjs' loader passes over the list once per call made.
  put(
    `${chain}-deep functional chain, listed backwards`,
    'long-functional-reversed.json',
    JSON.stringify(functional([{ ...input('in', [4]), name: 'in', inbound_nodes: [] }, ...links.reverse()], `d${chain - 1}`)),
  );

  // 8. A 12,000-deep chain inside a nested model: tfjs' model constructor recurses per layer.
  const inner = Array.from({ length: 12_000 }, (_, i) => layer('Dense', `n${i}`, { units: 4 }, [i === 0 ? 'inner_in' : `n${i - 1}`]));
  const nested = {
    class_name: 'Functional',
    name: 'inner',
    config: { name: 'inner', layers: [{ ...input('inner_in', [4]), name: 'inner_in', inbound_nodes: [] }, ...inner], input_layers: [['inner_in', 0, 0]], output_layers: [['n11999', 0, 0]] },
    inbound_nodes: call('in'),
  };
  // tfjs counts a nested model's construction as its call 0: the outer call is 1.
  put('12000-deep chain in a nested model', 'nested-chain.json', JSON.stringify(functional([{ ...input('in', [4]), name: 'in', inbound_nodes: [] }, nested], 'inner', 1)));
  return cases;
}
