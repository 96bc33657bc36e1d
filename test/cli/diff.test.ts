import { describe, expect, it } from 'vitest';
import { ModelDiffSchema } from '../../src/analysis/diff-types.js';
import { dnarch, expectUsageError, ok, okJson, TIMEOUT } from './run.js';

const F = (name: string) => `fixtures/diff/${name}.json`;

describe('dnarch diff', () => {
  it('json: one ModelDiff; a 1x1 16 -> 16 conv added = 16*16 + 16 = 272 params', { timeout: TIMEOUT }, () => {
    const d = ModelDiffSchema.parse(okJson(['diff', F('base'), F('added')]));
    expect(d.schemaVersion).toBe(1);
    expect(d.layers.added.map((l) => [l.name, l.params])).toEqual([['head_conv', 272]]);
    expect(d.totals.params).toMatchObject({ a: 5258, b: 5530, delta: 272 });
    expect(d.a.label).toBe(F('base'));
  });

  it('markdown: the headline first, then the totals table', { timeout: TIMEOUT }, () => {
    const md = ok(['diff', F('base'), F('removed'), '--format', 'markdown']);
    // MACs 5,161,120 -> 442,528 (-4,718,592 = -91.4%); params 5,258 -> 618 (-4,640 = -88.2%)
    expect(md.split('\n')[0]).toBe('### MACs -91.4% (5.16M -> 443k), params -88.2% (5.26k -> 618); 0 layers added, 4 removed, 1 changed');
    expect(md).toContain('| Parameters | 5,258 | 618 | -4,640 | -88.2% |');
    expect(md).toContain('#### Layers removed (4)');
    expect(md).toContain('| Receptive field | 7 | 3 | changed |  |');
  });

  it('table: the changed layer with its config key, old -> new', { timeout: TIMEOUT }, () => {
    const out = ok(['diff', F('base'), F('filters')]);
    expect(out).toContain('filters: 16 -> 24');
    expect(out).toContain('output: 32x32x16 -> 32x32x24');
  });

  it('identical models: "no changes", exit 0; --fail-on-change then still exits 0', { timeout: TIMEOUT }, () => {
    expect(ok(['diff', F('base'), F('base')])).toMatch(/^.*No changes: /);
    expect(dnarch(['diff', F('base'), F('base'), '--fail-on-change']).status).toBe(0);
  });

  it('--fail-on-change: exit 1 after printing when the models differ', { timeout: TIMEOUT }, () => {
    const r = dnarch(['diff', F('base'), F('added'), '--fail-on-change', '--format', 'markdown']);
    expect(r.status).toBe(1);
    expect(r.stdout.startsWith('### MACs +5.1%')).toBe(true);
    expect(r.stderr).toBe(`dnarch: --fail-on-change: ${F('added')} differs from ${F('base')}\n`);
  });

  it('two zoo models: zoo options apply to both', { timeout: TIMEOUT }, () => {
    const d = ModelDiffSchema.parse(okJson(['diff', 'resnet50', 'resnet50', '--input-size', '160']));
    expect(d.identical).toBe(true);
  });

  it('exit 2: an unknown model, a missing file, zoo options with a file', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['diff', 'resnet50', 'resnt101']), ['unknown model "resnt101"', 'resnet101']);
    expectUsageError(dnarch(['diff', F('base'), F('nope')]), ['nope.json']);
    expectUsageError(dnarch(['diff', 'resnet50', F('base'), '--input-size', '160']), ['--input-size', 'both must be zoo names']);
    expectUsageError(dnarch(['diff', F('base')]), ["missing required argument 'b'"]);
  });
});
