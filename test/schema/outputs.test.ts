/**
 * Every command's `--format json`, from the BUILT CLI, on several models, validates against
 * the published schema/<command>.schema.json (ajv, not zod) and carries schemaVersion 1.
 * Mutated documents fail, so the schemas are not vacuous.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dnarch, okJson, TIMEOUT } from '../cli/run.js';
import { schemaErrors } from './validate.js';

const tmp = mkdtempSync(join(tmpdir(), 'dnarch-schema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FIXTURES = readdirSync('fixtures/models')
  .filter((f) => f.endsWith('.json'))
  .map((f) => `fixtures/models/${f}`);

/** [command, arguments before --format json]; slow builds kept to one or two per command. */
const RUNS: [string, string[]][] = [
  ['list', ['list']],
  ['engines', ['engines']],
  ['summarize', ['summarize', 'resnet50']],
  ['summarize', ['summarize', 'mobilenet']],
  ['summarize', ['summarize', 'inceptionv3', '--no-top']],
  ...FIXTURES.map((f): [string, string[]] => ['summarize', ['summarize', f]]),
  ['summarize', ['summarize', 'fixtures/models/shards/model.json']],
  ['summarize', ['summarize', 'fixtures/models/keras3/model.keras']],
  ['savings', ['savings', 'inceptionv3']],
  ['savings', ['savings', 'fixtures/models/nested.json']],
  ['compare', ['compare', 'inception', 'xception']],
  ['compare', ['compare', 'mobilenet', 'fixtures/models/custom-layer.json']],
  ['diff', ['diff', 'fixtures/diff/base.json', 'fixtures/diff/filters.json']],
  ['diff', ['diff', 'fixtures/diff/base.json', 'fixtures/diff/added.json']],
  ['diff', ['diff', 'resnet50', 'resnet50v2']],
  ['check', ['check', 'mobilenet', '--max-params', '5M', '--max-macs', '1G', '--max-weights-mb', '20']],
  ['export', ['export', 'fixtures/models/shards/model.json', '--tfjs', join(tmp, 'shards')]],
  ['export', ['export', 'mobilenet', '--tfjs', join(tmp, 'mobilenet')]],
  ['export', ['export', 'fixtures/models/shards/model.json', '--onnx', join(tmp, 'shards.onnx')]],
  ['export', ['export', 'mobilenet', '--input-size', '96', '--onnx', join(tmp, 'mobilenet.onnx')]],
  // Every engine at a small input: ok results and the unavailable ones (tfjs-node here) alike.
  ['bench', ['bench', 'mobilenet', '--input-size', '96', '--runs', '2', '--engine', 'all']],
  ['bench', ['bench', 'fixtures/models/shards/model.json', '--runs', '2', '--engine', 'cpu', '--profile', '2']],
  ['summarize', ['summarize', 'mobilenet', '--alpha', '0.5', '--input-size', '160x192', '--classes', '10']],
  // ONNX files: whole shapes, format details, notes, constants, unknown sizes (nulls, incomplete totals).
  ...readdirSync('fixtures/onnx').map((f): [string, string[]] => ['summarize', ['summarize', `fixtures/onnx/${f}`]]),
  ['savings', ['savings', 'fixtures/onnx/tiny-cnn.onnx']],
  ['compare', ['compare', 'fixtures/onnx/tiny-cnn.onnx', 'mobilenet']],
  ['diff', ['diff', 'fixtures/onnx/tiny-cnn.onnx', 'fixtures/onnx/open-size.onnx']],
  ['check', ['check', 'fixtures/onnx/tiny-cnn.onnx', '--max-macs', '1G']],
  ['bench', ['bench', 'fixtures/onnx/tiny-cnn.onnx', '--runs', '2', '--engine', 'all']],
  // ONNX Runtime's profile mapped to layers, on the measured roofline; of a file too.
  ['bench', ['bench', 'mobilenet', '--input-size', '64', '--alpha', '0.25', '--runs', '2', '--engine', 'onnxruntime', '--profile', '3']],
  ['bench', ['bench', 'fixtures/onnx/tiny-cnn.onnx', '--runs', '2', '--profile']],
  ['peaks', ['peaks']],
];

/** One document per run, shared by the negative tests below. */
const docs = new Map<string, unknown>();

describe('--format json validates against the published JSON Schema', () => {
  it('covers the fixture models (so the list above is not empty by accident)', () => {
    expect(FIXTURES).toContain('fixtures/models/nested.json');
    expect(FIXTURES.length).toBeGreaterThanOrEqual(5);
  });

  // A failed check (exit 1) still prints its report.
  it('dnarch check resnet50 --max-params 1M --format json (over budget, exit 1)', { timeout: TIMEOUT }, () => {
    const r = dnarch(['check', 'resnet50', '--max-params', '1M', '--format', 'json']);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.passed).toBe(false);
    expect(schemaErrors('check', doc)).toBeNull();
  });

  for (const [command, args] of RUNS) {
    it(`dnarch ${args.join(' ')} --format json`, { timeout: TIMEOUT }, () => {
      const doc = okJson<Record<string, unknown>>(args);
      expect(doc.schemaVersion).toBe(1);
      // First, so a reader can dispatch on it before reading the rest (the README says so).
      expect(Object.keys(doc)[0]).toBe('schemaVersion');
      expect(schemaErrors(command, doc)).toBeNull();
      if (!docs.has(command)) docs.set(command, doc);
    });
  }
});

/** A deep copy with one change made by `mutate`. */
function mutated(command: string, mutate: (d: any) => void): unknown {
  const doc = docs.get(command);
  expect(doc, `no ${command} document: its run above failed`).toBeDefined();
  const copy = structuredClone(doc);
  mutate(copy);
  return copy;
}

describe('the schemas reject what is not the format', () => {
  const CASES: [string, string, (d: any) => void][] = [
    ['summarize', 'schemaVersion 2', (d) => (d.schemaVersion = 2)],
    ['summarize', 'no totals', (d) => delete d.totals],
    ['summarize', 'a layer without macs', (d) => delete d.layers[0].macs],
    ['summarize', 'MACs as a string', (d) => (d.layers[1].macs = String(d.layers[1].macs))],
    ['summarize', 'fractional params', (d) => (d.totals.params.total += 0.5)],
    ['summarize', 'negative MACs', (d) => (d.totals.macs = -1)],
    ['summarize', 'an unpublished top-level field', (d) => (d.extra = true)],
    ['summarize', 'an unpublished layer field', (d) => (d.layers[0].colour = 'red')],
    ['summarize', 'an unknown site kind', (d) => (d.savings.sites[0].kind = 'magic')],
    ['summarize', 'a receptive field without stride', (d) => delete d.totals.receptiveField.stride],
    ['savings', 'the full layer list (savings prints a reduced object)', (d) => (d.layers = [])],
    ['savings', 'no model', (d) => delete d.model],
    ['compare', 'a row with an unknown metric', (d) => (d.rows[0].metric = 'speed')],
    ['compare', 'a cell that is an object', (d) => (d.rows[0].values[0] = { n: 1 })],
    ['compare', 'a model without totals', (d) => delete d.models[0].totals],
    ['list', 'no schemaVersion', (d) => delete d.schemaVersion],
    ['list', 'a model without params', (d) => delete d.models[0].params],
    ['list', 'a year as text', (d) => (d.models[0].year = '2014')],
    ['engines', 'available as text', (d) => (d.engines[0].available = 'yes')],
    ['engines', 'no engines', (d) => delete d.engines],
    ['check', 'an unknown status', (d) => (d.budgets[0].status = 'maybe')],
    ['check', 'no passed', (d) => delete d.passed],
    ['diff', 'identical as text', (d) => (d.identical = 'no')],
    ['diff', 'a totals delta without its metric', (d) => delete d.totals.macs],
    ['bench', 'a result with an unknown status', (d) => (d.results[0].status = 'slow')],
    ['bench', 'negative latency', (d) => (d.results.find((r: { status: string }) => r.status === 'ok').latencyMs.p50 = -1)],
    ['bench', 'no settings', (d) => delete d.settings],
    ['export', 'an unknown source', (d) => (d.source = 'cloud')],
    ['export', 'negative bytes', (d) => (d.tfjs.files[0].bytes = -1)],
  ];
  it('list: the bare array it printed before schemaVersion', () => {
    expect(schemaErrors('list', (docs.get('list') as { models: unknown[] }).models)).not.toBeNull();
  });

  for (const [command, what, mutate] of CASES) {
    it(`${command}: ${what}`, () => {
      expect(schemaErrors(command, mutated(command, mutate))).not.toBeNull();
    });
  }
});
