/**
 * TensorFlow.js graph models through every analysis command, as a user runs them, on the
 * fixture classifier of fixtures/graph/ (scripts/make-graph-fixtures.mts; its figures are
 * checked in test/load/graph-model.test.ts): the same OpenedModel path as ONNX, and JSON
 * that validates against the published schemas.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { schemaErrors } from '../schema/validate.js';
import { dnarch, expectUsageError, ok, okJson, TIMEOUT } from './run.js';

const CLASSIFIER = 'fixtures/graph/classifier/model.json';
const MACS = 16 * 16 * 8 * 27 + 16 * 16 * 8 * 9 + 16 * 16 * 16 * 8 + 16 * 16 * 16 * 72 + 2048 * 10;
const dir = mkdtempSync(join(tmpdir(), 'dnarch-graph-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graph models through the CLI', { timeout: TIMEOUT }, () => {
  it('summarize --format json: valid against the schema, the MACs of the fixture', () => {
    const r = okJson<ModelReport>(['summarize', CLASSIFIER]);
    expect(schemaErrors('summarize', r)).toBeNull();
    expect(r.totals.macs).toBe(MACS);
    expect(r.model.format?.name).toBe('tfjs-graph');
  });

  it('--input-shape with or without the batch, as bench takes it (open-dims: a 1x1 conv 3 -> 2 on [1, -1, -1, 3])', () => {
    const macs = 6 * 5 * 3 * 2;
    for (const shape of ['input_tensor=6x5x3', 'input_tensor=1x6x5x3', '6x5x3']) {
      const r = okJson<ModelReport>(['summarize', 'fixtures/graph-run/open-dims', '--input-shape', shape]);
      expect(r.totals.macs, shape).toBe(macs);
    }
  });

  it('the model directory finds its model.json', () => {
    expect(okJson<ModelReport>(['summarize', 'fixtures/graph/classifier']).totals.macs).toBe(MACS);
  });

  it('--depth 1 folds the name scopes', () => {
    const out = ok(['summarize', CLASSIFIER, '--depth', '1']);
    for (const block of ['stem', 'block', 'branch', 'merge', 'head']) expect(out).toMatch(new RegExp(`│ ${block}\\s+│ \\d layers`));
    expect(out).not.toMatch(/│ (Const|Identity)\s/);
  });

  it('savings, compare, diff and check: valid JSON', () => {
    const savings = okJson(['savings', CLASSIFIER]);
    expect(schemaErrors('savings', savings)).toBeNull();
    expect(JSON.stringify(savings)).toContain('depthwise-separable');
    const compare = okJson(['compare', CLASSIFIER, 'fixtures/onnx/tiny-cnn.onnx']);
    expect(schemaErrors('compare', compare)).toBeNull();
    const diff = okJson(['diff', CLASSIFIER, CLASSIFIER]);
    expect(schemaErrors('diff', diff)).toBeNull();
    const check = okJson(['check', CLASSIFIER, '--max-macs', '1M']);
    expect(schemaErrors('check', check)).toBeNull();
    const over = dnarch(['check', CLASSIFIER, '--max-macs', '100k']);
    expect(over.status).toBe(1);
  });

  it('report writes its page', () => {
    const out = join(dir, 'report.html');
    ok(['report', CLASSIFIER, '--out', out]);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('head/fc');
  });

  it('a graph with a cycle: one line, exit 2', () => {
    const f = join(dir, 'cycle', 'model.json');
    mkdirSync(join(dir, 'cycle'));
    writeFileSync(f, JSON.stringify({
      format: 'graph-model',
      modelTopology: { node: [{ name: 'x', op: 'Placeholder' }, { name: 'a', op: 'AddV2', input: ['x', 'b'] }, { name: 'b', op: 'Relu', input: ['a'] }] },
    }));
    expectUsageError(dnarch(['summarize', f]), ['cycle outside control flow']);
  });

  it('without its shard: exit 0, the totals incomplete and why', () => {
    mkdirSync(join(dir, 'bare'));
    copyFileSync(CLASSIFIER, join(dir, 'bare', 'model.json'));
    const r = okJson<ModelReport>(['summarize', join(dir, 'bare', 'model.json')]);
    expect(schemaErrors('summarize', r)).toBeNull();
    expect(r.complete).toBe(false);
    expect(r.notes?.join('\n')).toContain('"stem/pad/paddings", read by "stem/pad"');
  });
});
