/**
 * Hostile files of the "size without a bound" family (issue 14), through the CLI as a user
 * runs it: each ends in a report (exit 0, with the figures a closed form gives) or in one
 * line naming the limit (exit 2), never in a stack overflow, a hang or an exhausted heap.
 * Times and memory are not asserted (a busy machine); the report of the change lists them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnarch, expectUsageError } from '../cli/run.js';
import { writeSizeCases } from './size-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'dnarch-size-'));
const files = new Map<string, string>();
beforeAll(() => {
  // The 60 MB JSON files shrunk to a hundredth: still past every JSON limit.
  for (const c of writeSizeCases(dir, 0.01)) files.set(basename(c.file), c.file);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string): string => files.get(name) ?? name;

/** Summarize as JSON: exit 0, nothing on stderr. */
function report(name: string): { totals: { params: { total: number }; macs: number; layers: number }; layers: { name: string; outputShape: unknown }[] } {
  const r = dnarch(['summarize', file(name), '--format', 'json']);
  expect(r.stderr, name).toBe('');
  expect(r.status, name).toBe(0);
  return JSON.parse(r.stdout);
}

const refused = (args: string[], mentions: (string | RegExp)[]): string => expectUsageError(dnarch(args), mentions);

const SLOW = 120_000;

describe('JSON past the size limits is refused before it is parsed', () => {
  it.each([
    ['deep-arrays.json', /: JSON nested deeper than 200 levels, beyond dnarch's limit for a model file: refused before parsing$/],
    ['deep-objects.json', /: JSON nested deeper than 200 levels/],
    ['wide-array.json', /: more than 2000000 JSON values/],
    ['wide-object.json', /: a JSON object with more than 10000 keys/],
    ['big-config.keras', /big-config\.keras: config\.json: more than 2000000 JSON values/],
  ])('%s', (name, message) => {
    refused(['summarize', file(name)], [file(name), message]);
  });

  it('a file at the limits is analysed: an object of 10,000 keys, 200 levels deep, in a Dense 8 -> 4', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `"k${i}":1`).join(',');
    // 7 levels down to the Dense config, then 192 arrays and the object: 200 levels in all.
    const junk = '['.repeat(192) + `{${keys}}` + ']'.repeat(192);
    const text =
      '{"format":"layers-model","modelTopology":{"model_config":{"class_name":"Sequential","config":{"name":"s","layers":[' +
      '{"class_name":"InputLayer","config":{"name":"in","batch_input_shape":[null,8],"dtype":"float32"}},' +
      `{"class_name":"Dense","config":{"name":"d","units":4,"junk":${junk}}}]}}}}`;
    const path = join(dir, 'at-the-limits.json');
    writeFileSync(path, text);
    const r = report(path);
    expect(r.totals.params.total).toBe(8 * 4 + 4);
    expect(r.totals.macs).toBe(8 * 4);
  });
});

describe('numbers that make shapes astronomically large', () => {
  it('a padding of 1e9 and a transposed conv of stride 1e9 are refused by the per-number caps', () => {
    refused(['summarize', file('zero-padding.json')], ['layer "p" (ZeroPadding2D)', 'padding: must hold whole numbers from 0 to 100000']);
    refused(['summarize', file('transpose-stride.json')], ['layer "t" (Conv2DTranspose)', 'strides: must hold whole numbers from 1 to 100000']);
  });

  it('paddings and upsamplings within the caps that stack up past 2^31 elements are refused at the first layer past it', () => {
    // 8 + 2 x 50,000 = 100,008 per side: 100,008^2 x 3 = 3.0e10 elements.
    refused(['summarize', file('stacked-padding.json')], ['layer "p0" (ZeroPadding2D): its output ?x100008x100008x3 has 3.00e+10 elements per sample, more than the limit of 2^31']);
    // 8 x 1000 = 8,000 per side is 1.9e8 elements; x 1000 again is 1.9e14.
    refused(['summarize', file('stacked-upsampling.json'), '--format', 'json'], ['layer "u1" (UpSampling2D): its output ?x8000000x8000000x3']);
  });

  it('Conv2D with groups 100000 is priced by arithmetic', () => {
    const r = report('groups.json');
    // Kernel 1x1x(100,000 / 100,000)x100,000 plus 100,000 biases; 4x4x100,000 outputs of one MAC each.
    expect(r.totals.params.total).toBe(100_000 + 100_000);
    expect(r.totals.macs).toBe(4 * 4 * 100_000);
  });
});

describe('wide and long graphs are analysed in linear time, without recursion', () => {
  it(
    'an 18,000-way Add of Dense 4 -> 2 branches (the Concatenate of the same, measured apart, takes the same path)',
    () => {
      const r = report('fan-in-add.json');
      expect(r.totals.params.total).toBe(18_000 * (4 * 2 + 2));
      expect(r.totals.macs).toBe(18_000 * 4 * 2);
      const merge = r.layers[r.layers.length - 1];
      expect(merge.name).toBe('merge');
      expect(merge.outputShape).toEqual([null, 2]);
    },
    SLOW,
  );

  it(
    'a 19,990-deep functional chain of Dense 4 -> 4, listed last layer first (it overflowed the stack; the order made it quadratic)',
    () => {
      const r = report('long-functional-reversed.json');
      expect(r.totals.params.total).toBe(19_990 * (4 * 4 + 4));
      expect(r.totals.layers).toBe(19_991);
      expect(r.layers.map((l) => l.name).slice(-2)).toEqual(['d19988', 'd19989']);
    },
    SLOW,
  );

  it(
    'a 19,990-layer Sequential, as the terminal table (cli-table3 alone is quadratic in rows)',
    () => {
      const r = dnarch(['summarize', file('long-sequential.json')]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const rows = r.stdout.split('\n').filter((l) => /^│ d\d+ /.test(l));
      expect(rows).toHaveLength(19_990);
      expect(rows[19_989]).toMatch(/^│ d19989 +│ Dense +│ +4 │/);
      expect(r.stdout).toMatch(/^Params +399,800 \(400k\)$/m);
    },
    SLOW,
  );

  it('what tfjs\' model constructor refused is still refused without it: a graph disconnected from the inputs', () => {
    const path = join(dir, 'disconnected.json');
    const input = (name: string) => ({ class_name: 'InputLayer', name, config: { name, batch_input_shape: [null, 4], dtype: 'float32' }, inbound_nodes: [] });
    const add = { class_name: 'Add', name: 's', config: { name: 's' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] };
    const config = { name: 'm', layers: [input('a'), input('b'), add], input_layers: [['a', 0, 0]], output_layers: [['s', 0, 0]] };
    writeFileSync(path, JSON.stringify({ format: 'layers-model', modelTopology: { model_config: { class_name: 'Functional', config } } }));
    refused(['summarize', path], ['graph disconnected: input layer "b" is not among the model\'s inputs']);
  });

  it(
    'a 12,000-deep chain inside a nested model: one line (tfjs builds nested models, and recurses per layer)',
    () => {
      refused(['summarize', file('nested-chain.json'), '--format', 'json'], [`Functional "inner": its layers are chained too deep for tfjs' model builder`]);
    },
    SLOW,
  );
});
