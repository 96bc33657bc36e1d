/**
 * `dnarch savings` and the analysis of a model file, end to end on the built CLI.
 * Expected figures are the design doc's worked example and closed forms written here.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelReport, Savings } from '../../src/analysis/types.js';
import { dnarch, expectUsageError, ok, okJson, TIMEOUT } from './run.js';

const FIXTURE = 'fixtures/inception-3a/model.json';

describe('dnarch savings on the GoogLeNet inception (3a) fixture (28x28x192 in)', () => {
  it('reports the 5x5 branch exactly: 120,422,400 MACs as one conv vs 12,443,648 with the 1x1 reduction', { timeout: TIMEOUT }, () => {
    const { savings } = okJson<{ savings: Savings }>(['savings', FIXTURE, '--format', 'json']);
    const five = savings.sites.find((s) => s.layers.includes('inception_3a_5x5'));
    expect(five).toMatchObject({
      kind: 'reduction',
      layers: ['inception_3a_5x5_reduce', 'inception_3a_5x5'],
      kernel: [5, 5],
      input: [28, 28, 192],
      output: [28, 28, 32],
      actual: { macs: 2_408_448 + 10_035_200 },
      counterfactual: { macs: 120_422_400 },
    });
    // Params: 1x1 192->16 and 5x5 16->32 with biases, vs one 5x5 192->32 with bias.
    expect(five!.actual.params).toBe(192 * 16 + 16 + 25 * 16 * 32 + 32);
    expect(five!.counterfactual.params).toBe(25 * 192 * 32 + 32);
  });

  it('finds the 3x3 branch too, and nothing in the unreduced 1x1 and pool branches', { timeout: TIMEOUT }, () => {
    const { savings } = okJson<{ savings: Savings }>(['savings', FIXTURE, '--format', 'json']);
    expect(savings.sites).toHaveLength(2);
    const three = savings.sites.find((s) => s.layers.includes('inception_3a_3x3'))!;
    expect(three.actual.macs).toBe(28 * 28 * 192 * 96 + 28 * 28 * 96 * 9 * 128);
    expect(three.counterfactual.macs).toBe(28 * 28 * 128 * 9 * 192);
    expect(savings.total.counterfactual.macs).toBe(120_422_400 + 28 * 28 * 128 * 9 * 192);
  });

  it('prints every site and the summary sentence as a table', { timeout: TIMEOUT }, () => {
    const out = ok(['savings', FIXTURE]);
    expect(out).toContain('inception_3a_5x5_reduce > inception_3a_5x5');
    expect(out).toContain('9.68x'); // 120,422,400 / 12,443,648
    expect(out).toMatch(/without its bottlenecks googlenet_inception_3a would need .* GMACs/);
  });

  it('writes markdown and csv', { timeout: TIMEOUT }, () => {
    expect(ok(['savings', FIXTURE, '--format', 'markdown'])).toContain('| Module | Kind | Chain | Kernel | In | Out | MACs | MACs as one conv | Saved |');
    const csv = ok(['savings', FIXTURE, '--format', 'csv']).trimEnd().split('\n');
    expect(csv[0]).toBe('module,kind,layers,kernel,input,output,macs,counterfactual_macs,params,counterfactual_params,ratio');
    expect(csv).toHaveLength(3);
    expect(csv.some((l) => l.includes(',12443648,120422400,'))).toBe(true);
  });
});

describe('MobileNet savings follow the depthwise-separable law 1/N + 1/k^2', () => {
  it('for each of its 13 sites', { timeout: TIMEOUT }, () => {
    const { savings } = okJson<{ savings: Savings }>(['savings', 'mobilenet', '--format', 'json']);
    expect(savings.sites).toHaveLength(13);
    for (const s of savings.sites) {
      const n = s.output[s.output.length - 1];
      expect(s.actual.macs / s.counterfactual.macs).toBeCloseTo(1 / n + 1 / 9, 12);
    }
  });
});

describe('summarize carries receptive fields and savings', () => {
  it('resnet50: final field 483 / 32 / 241 (keras-applications.json) and the savings line', { timeout: TIMEOUT }, () => {
    const r = okJson<ModelReport>(['summarize', 'resnet50', '--format', 'json']);
    expect(r.totals.receptiveField).toEqual({ size: [483, 483], stride: [32, 32], padding: [241, 241] });
    expect(r.layers.find((l) => l.name === 'avg_pool')?.receptiveField?.global).toBe(true);
    expect(r.savings.total.sites).toBe(16);
    const table = ok(['summarize', 'resnet50']);
    expect(table).toMatch(/Receptive field\s+483 px, effective stride 32, effective padding 241/);
    expect(table).toMatch(/Bottlenecks\s+without its bottlenecks resnet50 would need/);
  });

  it('a model file is summarized like a zoo model', { timeout: TIMEOUT }, () => {
    const r = okJson<ModelReport>(['summarize', FIXTURE, '--format', 'json']);
    expect(r.model.source).toBe(FIXTURE);
    // 1x1 64, 3x3 reduce 96 + 3x3 128, 5x5 reduce 16 + 5x5 32, pool proj 32, all with biases.
    const params = (192 * 64 + 64) + (192 * 96 + 96) + (9 * 96 * 128 + 128) + (192 * 16 + 16) + (25 * 16 * 32 + 32) + (192 * 32 + 32);
    expect(r.totals.params.total).toBe(params);
    expect(r.totals.layers).toBe(9);
  });
});

describe('model file errors: exit 2, one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnarch-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['summarize', join(dir, 'nope.json')]), ['nope.json', 'ENOENT']);
  });

  it('a file that is not JSON', { timeout: TIMEOUT }, () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, '{"modelTopology": ');
    expectUsageError(dnarch(['summarize', f]), ['bad.json', 'not valid JSON']);
  });

  it('JSON that is not a model', { timeout: TIMEOUT }, () => {
    const f = join(dir, 'other.json');
    writeFileSync(f, '{"hello": "world"}');
    expectUsageError(dnarch(['summarize', f]), ['other.json', 'not a layers model']);
  });

  it('a graph model without nodes says what it is and that there is nothing to analyse', { timeout: TIMEOUT }, () => {
    const f = join(dir, 'graph.json');
    writeFileSync(f, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }));
    expectUsageError(dnarch(['summarize', f]), ['graph model', 'no nodes']);
  });

  it('zoo options on a file', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['summarize', FIXTURE, '--classes', '10']), ['apply to zoo models']);
    // --input-size sizes only what a file leaves open: this one fixes its input at 28x28
    expectUsageError(dnarch(['summarize', FIXTURE, '--input-size', '64']), ['--input-size 64x64', 'fixed height of 28']);
  });
});

