/**
 * `dnarch compare` end to end on the built CLI. Figures are checked against the published
 * Keras numbers (../shared/reference/keras-applications.json); the Markdown golden file was
 * produced once by the command and reviewed line by line against those numbers.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { kerasReference } from '../reference.js';
import { ANSI, dnarch, expectUsageError, ok, okJson, parseCsv, TIMEOUT } from './run.js';

const GOLDEN = fileURLToPath(new URL('../golden/compare-inception-xception.md', import.meta.url));
const METRICS = [
  'params', 'weights', 'macs', 'flops', 'peakActivations', 'depth', 'layers', 'input',
  'receptiveField', 'bottleneckSites', 'macsWithoutBottlenecks', 'savedByBottlenecks',
];

const dir = mkdtempSync(join(tmpdir(), 'dnarch-compare-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dnarch compare inception xception', () => {
  it('markdown equals the reviewed golden file byte for byte', { timeout: TIMEOUT }, () => {
    expect(ok(['compare', 'inception', 'xception', '--format', 'markdown'])).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('json: the models in the order given, a row per metric, the published figures', { timeout: TIMEOUT }, () => {
    const c = okJson(['compare', 'inception', 'xception']);
    expect(c.schemaVersion).toBe(1);
    expect(c.models.map((m: any) => m.label)).toEqual(['inceptionv3', 'xception']);
    expect(c.models.map((m: any) => m.source)).toEqual(['zoo', 'zoo']);
    expect(c.rows.map((r: any) => r.metric)).toEqual(METRICS);
    const row = (metric: string) => c.rows.find((r: any) => r.metric === metric);
    const refs = ['inceptionv3', 'xception'].map(kerasReference);

    expect(row('params').values).toEqual(refs.map((r) => r.params.total));
    expect(row('params').ratios[1]).toBeCloseTo(refs[1].params.total / refs[0].params.total, 12);
    expect(row('params').best).toBe(1);
    expect(row('weights').values).toEqual(refs.map((r) => 4 * r.params.total));
    expect(row('macs').values.map((v: number) => Number((v / 1e9).toFixed(2)))).toEqual(refs.map((r) => r.gmacs));
    expect(row('macs').best).toBe(0);
    expect(row('depth').values).toEqual(refs.map((r) => r.depth));
    expect(row('depth').best).toBeNull();
    expect(row('layers').values).toEqual(refs.map((r) => r.layers.includeTop));
    expect(row('input').values).toEqual(refs.map((r) => `${r.inputSize}x${r.inputSize}`));
    expect(row('receptiveField').values).toEqual(
      refs.map((r) => `${r.receptiveField.size}/${r.receptiveField.effectiveStride}/${r.receptiveField.effectivePadding}`),
    );
    expect(row('receptiveField').best).toBeNull();
    for (const m of c.models) expect(Object.keys(m)).toEqual(expect.arrayContaining(['name', 'source', 'inputShapes', 'totals', 'savings']));
    expect(c.reading.length).toBeGreaterThanOrEqual(3);
  });

  it('table: plain without a TTY, the reading under it; colour when forced', { timeout: TIMEOUT }, () => {
    const plain = ok(['compare', 'inception', 'xception']);
    expect(plain).not.toMatch(ANSI);
    expect(plain).toContain('22.9M (0.96x)');
    expect(plain).toContain('1311/32/618');
    expect(plain).toMatch(/365 vs 240 MACs per\s+parameter/);
    const coloured = ok(['compare', 'inception', 'xception'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(coloured).toMatch(ANSI);
  });

  it('csv: a header and one row per metric', { timeout: TIMEOUT }, () => {
    const rows = parseCsv(ok(['compare', 'inception', 'xception', '--format', 'csv']));
    expect(rows[0]).toEqual(['metric', 'unit', 'direction', 'inceptionv3', 'xception', 'best']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(METRICS);
    for (const r of rows) expect(r).toHaveLength(6);
    expect(rows[1]).toEqual(['params', 'params', 'lower', '23851784', '22910480', 'xception']);
  });

  it('--out writes what stdout shows, and prints nothing', { timeout: TIMEOUT }, () => {
    const file = join(dir, 'compare.md');
    expect(ok(['compare', 'inception', 'xception', '--format', 'markdown', '--out', file])).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});

describe('dnarch compare with three models', () => {
  it('keeps the order given and compares each with the first', { timeout: TIMEOUT }, () => {
    const c = okJson(['compare', 'resnet50', 'mobilenet', 'vgg16']);
    expect(c.models.map((m: any) => m.label)).toEqual(['resnet50', 'mobilenet', 'vgg16']);
    const params = c.rows.find((r: any) => r.metric === 'params');
    expect(params.values).toEqual(['resnet50', 'mobilenet', 'vgg16'].map((n) => kerasReference(n).params.total));
    expect(params.best).toBe(1);
    expect(params.ratios[0]).toBe(1);
    expect(c.reading.filter((s: string) => s.includes('the parameters of resnet50') || s.includes("of resnet50's"))).toHaveLength(2);
  });
});

describe('dnarch compare: usage errors', () => {
  const cases: [string, string[], (string | RegExp)[]][] = [
    ['one model', ['compare', 'resnet50'], ['at least two models']],
    ['no model', ['compare'], ['models']],
    ['an unknown model', ['compare', 'resnet50', 'nosuch'], ['unknown model "nosuch"', 'dnarch list']],
    ['a mistyped model', ['compare', 'resnet50', 'resnt50'], ['unknown model "resnt50"', 'did you mean "resnet50"?']],
    ['a mistyped model after others', ['compare', 'vgg16', 'resnet50', 'xcepton'], ['did you mean "xception"?']],
    ['bad --format', ['compare', 'resnet50', 'vgg16', '--format', 'xml'], ['xml']],
    // The zoo flags apply to every zoo model compared: one that fits only some is refused.
    ['a zoo option for only some', ['compare', 'resnet50', 'vgg16', '--alpha', '0.5'], ['--alpha', 'MobileNets only']],
  ];
  for (const [what, args, mentions] of cases) {
    it(`${what}: dnarch ${args.join(' ')}`, { timeout: TIMEOUT }, () => {
      expectUsageError(dnarch(args), mentions);
    });
  }

  it('the same message as summarize for an unknown model', { timeout: TIMEOUT }, () => {
    expect(dnarch(['compare', 'resnet50', 'resnt50']).stderr.split('\n')[0]).toBe(dnarch(['summarize', 'resnt50']).stderr.split('\n')[0]);
  });
});

describe('dnarch compare does not load TensorFlow.js before it must', () => {
  const REGISTER = fileURLToPath(new URL('./fixtures/register-trace.mjs', import.meta.url));
  let n = 0;
  const tfLoaded = (args: string[]) => {
    const file = join(dir, `trace-${n++}.txt`);
    const r = dnarch(args, { nodeArgs: ['--import', REGISTER], env: { DNARCH_TRACE_FILE: file } });
    const urls = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    expect(urls.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
    return { r, tf: urls.some((u) => u.includes('@tensorflow')) };
  };

  it('--help', { timeout: TIMEOUT }, () => {
    const { r, tf } = tfLoaded(['compare', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('compare');
    expect(tf).toBe(false);
  });

  it('one model only', { timeout: TIMEOUT }, () => {
    const { r, tf } = tfLoaded(['compare', 'resnet50']);
    expect(r.status).toBe(2);
    expect(tf).toBe(false);
  });
});
