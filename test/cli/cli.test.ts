/**
 * End-to-end tests of the built CLI: `node bin/dnarch.js ...` as a user runs it.
 * Expected figures come from published Keras numbers (keras.io applications table,
 * model.summary(); see ../shared/reference/) or closed-form counts written here,
 * never from what dnarch printed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZOO } from '../../src/zoo/registry.js';
import { ANSI, dnarch, expectUsageError, ok, okJson, parseCsv, tfjsNodeResolvable, TIMEOUT } from './run.js';

// ---------------------------------------------------------------- published figures

/** Keras applications, include_top=True, 1000 classes, default input, weights=None. */
const KERAS = {
  vgg16: { params: 138_357_544, gmacs: 15.47, layers: 23 },
  vgg19: { params: 143_667_240, gmacs: 19.63, layers: 26 },
  resnet50: { params: 25_636_712, gmacs: 3.86, layers: 177 },
  resnet101: { params: 44_707_176, gmacs: 7.57, layers: 347 },
  resnet152: { params: 60_419_944, gmacs: 11.28, layers: 517 },
  inceptionv3: { params: 23_851_784, gmacs: 5.71, layers: 313 },
  xception: { params: 22_910_480, gmacs: 8.36, layers: 134 },
  mobilenet: { params: 4_253_864, gmacs: 0.569, layers: 91 },
} as const;
const ZOO_NAMES = Object.keys(KERAS);

const RESNET50 = {
  total: 25_636_712,
  trainable: 25_583_592,
  nonTrainable: 53_120,
  layers: 177,
  layersNoTop: 175,
  depth: 107,
  macs: 3.86e9,
  /** ResNet50(include_top=False, pooling='avg'): the 1000-way Dense (2048*1000 + 1000) is gone. */
  noTopParams: 23_587_712,
};

// ---------------------------------------------------------------- closed forms

const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout; // Keras ResNet convs have biases
const bn = (c: number) => 4 * c; // gamma, beta (trainable) + moving mean, variance (not)

/** Keras ResNet50 bottleneck block: 1x1 f, 3x3 f, 1x1 4f (+ a 1x1 projection shortcut in block 1). */
function resnetBlockParams(cin: number, f: number, projection: boolean): number {
  const main = conv(1, cin, f) + bn(f) + conv(3, f, f) + bn(f) + conv(1, f, 4 * f) + bn(4 * f);
  return main + (projection ? conv(1, cin, 4 * f) + bn(4 * f) : 0);
}

const RESNET50_STAGES = [
  { name: 'conv2', blocks: 3, filters: 64 },
  { name: 'conv3', blocks: 4, filters: 128 },
  { name: 'conv4', blocks: 6, filters: 256 },
  { name: 'conv5', blocks: 3, filters: 512 },
];

/** Per-block params and layer counts of ResNet50, in order; the stem is conv1 and the head top. */
function resnet50Blocks(classes = 1000) {
  const rows: { name: string; stage: string; params: number; layers: number }[] = [];
  rows.push({ name: 'conv1', stage: 'conv1', params: conv(7, 3, 64) + bn(64), layers: 6 }); // pad, conv, bn, relu, pad, maxpool
  let cin = 64;
  for (const s of RESNET50_STAGES) {
    for (let b = 1; b <= s.blocks; b++) {
      const projection = b === 1;
      // conv-bn-relu x2, conv-bn, add, relu = 10 layers; the projection adds conv and bn.
      rows.push({ name: `${s.name}_block${b}`, stage: s.name, params: resnetBlockParams(cin, s.filters, projection), layers: projection ? 12 : 10 });
      cin = 4 * s.filters;
    }
  }
  rows.push({ name: 'top', stage: 'top', params: conv(1, 2048, classes), layers: 2 }); // avg_pool, predictions (Dense)
  return rows;
}

/** Keras MobileNet v1: conv 3x3/2, 13 depthwise-separable blocks, 1x1 conv classifier; channels int(n * alpha). */
const MOBILENET_BLOCKS: [filters: number, stride: number][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];
function mobilenet(alpha: number, size = 224, classes = 1000) {
  const c = (n: number) => Math.floor(n * alpha);
  let params = 0;
  let nonTrainable = 0;
  const bnOf = (ch: number) => {
    params += 4 * ch;
    nonTrainable += 2 * ch;
  };
  let h = size / 2;
  let cin = c(32);
  params += 27 * cin; // no bias
  bnOf(cin);
  let macs = h * h * 27 * cin;
  for (const [f, s] of MOBILENET_BLOCKS) {
    h /= s;
    const cout = c(f);
    params += 9 * cin + cin * cout;
    bnOf(cin);
    bnOf(cout);
    macs += h * h * 9 * cin + h * h * cin * cout;
    cin = cout;
  }
  params += cin * classes + classes;
  macs += cin * classes;
  return { params, nonTrainable, macs };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------- sanity of the closed forms

describe('closed forms used below agree with the published figures', () => {
  it('ResNet50 blocks add up to the Keras totals', () => {
    const blocks = resnet50Blocks();
    expect(sum(blocks.map((b) => b.params))).toBe(RESNET50.total);
    expect(1 + sum(blocks.map((b) => b.layers))).toBe(RESNET50.layers);
  });
  it('MobileNet alpha 1 gives the Keras totals and the paper\'s 569M mult-adds', () => {
    const m = mobilenet(1);
    expect(m.params).toBe(KERAS.mobilenet.params);
    expect(m.nonTrainable).toBe(21_888);
    expect(Math.round(m.macs / 1e6)).toBe(569);
    // Howard et al. 2017, Table 6: 0.50 MobileNet-224 has 1.3M params and 150M mult-adds.
    expect(Math.round(mobilenet(0.5).params / 1e5) / 10).toBe(1.3);
    expect(Math.round(mobilenet(0.5).macs / 1e6)).toBe(149);
  });
});

// ---------------------------------------------------------------- list

describe('dnarch list', () => {
  it('prints a table with every zoo model', { timeout: TIMEOUT }, () => {
    const out = ok(['list']);
    expect(out).not.toMatch(ANSI);
    for (const name of ZOO_NAMES) expect(out).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('--format json has every zoo model, the seed ones with their published params and MACs', { timeout: TIMEOUT }, () => {
    const doc = okJson<{ schemaVersion: number; models: { name: string; params: number; macs: number; aliases: string[] }[] }>(['list']);
    expect(doc.schemaVersion).toBe(1);
    const rows = doc.models;
    expect(rows).toHaveLength(ZOO.length);
    for (const name of ZOO_NAMES) expect(rows.map((r) => r.name)).toContain(name);
    for (const r of rows.filter((row) => row.name in KERAS)) {
      const ref = KERAS[r.name as keyof typeof KERAS];
      expect(typeof r.params).toBe('number');
      expect(typeof r.macs).toBe('number');
      expect(r.params, r.name).toBe(ref.params);
      expect(Math.abs(r.macs / (ref.gmacs * 1e9) - 1), r.name).toBeLessThan(0.01);
    }
  });

  it('--format markdown has a table row per model', { timeout: TIMEOUT }, () => {
    const out = ok(['list', '--format', 'markdown']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\|( [^|]+ \|)+$/);
    expect(lines[1]).toMatch(/^\|(:?-+:?\|)+$/);
    for (const name of ZOO_NAMES) {
      expect(lines.filter((l) => l.startsWith(`| ${name} |`)), name).toHaveLength(1);
    }
    expect(lines).toHaveLength(2 + ZOO.length);
  });

  it('--out writes the list to a file', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const file = join(dir, 'list.json');
    expect(ok(['list', '--format', 'json', '--out', file])).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8')).models).toHaveLength(ZOO.length);
  });
});

// ---------------------------------------------------------------- summarize --format json

describe('dnarch summarize resnet50 --format json', () => {
  it('prints exactly one JSON document with the Keras figures', { timeout: TIMEOUT }, () => {
    const r = dnarch(['summarize', 'resnet50', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trimStart().startsWith('{')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('}')).toBe(true);
    const report = JSON.parse(r.stdout); // throws on trailing text: one document only
    expect(report.schemaVersion).toBe(1);
    expect(report.complete).toBe(true);
    expect(report.unsupported).toEqual([]);
    expect(report.totals.params).toEqual({
      total: RESNET50.total,
      trainable: RESNET50.trainable,
      nonTrainable: RESNET50.nonTrainable,
    });
    expect(Math.abs(report.totals.macs / RESNET50.macs - 1)).toBeLessThan(0.005);
    expect(report.totals.layers).toBe(RESNET50.layers);
    expect(report.totals.depth).toBe(RESNET50.depth);
    expect(report.layers).toHaveLength(RESNET50.layers);
    expect(report.model.inputShapes).toEqual([[null, 224, 224, 3]]);
    // The per-layer rows add up to the totals.
    expect(sum(report.layers.map((l: any) => l.params.total))).toBe(RESNET50.total);
    expect(sum(report.layers.map((l: any) => l.macs))).toBe(report.totals.macs);
  });

  it('the `summary` alias of the command works too', { timeout: TIMEOUT }, () => {
    expect(okJson(['summary', 'resnet50']).totals.params.total).toBe(RESNET50.total);
  });
});

// ---------------------------------------------------------------- summarize, other formats

describe('dnarch summarize in each text format', () => {
  it('table: per-layer rows and the totals, no ANSI escapes under NO_COLOR', { timeout: TIMEOUT }, () => {
    const out = ok(['summarize', 'resnet50']);
    expect(out).not.toMatch(ANSI);
    expect(out).toMatch(/^Params\s+25,636,712\b/m);
    expect(out).toMatch(/^\s*trainable\s+25,583,592\s*$/m);
    expect(out).toMatch(/^\s*non-trainable\s+53,120\s*$/m);
    expect(out).toContain('conv5_block3_out');
  });

  it('table: no ANSI escapes when stdout is not a terminal, even without NO_COLOR', { timeout: TIMEOUT }, () => {
    const out = ok(['summarize', 'mobilenet'], { env: { NO_COLOR: undefined } });
    expect(out).not.toMatch(ANSI);
    expect(out).toContain('4,253,864');
  });

  it('table: FORCE_COLOR does colour it (so the checks above can fail)', { timeout: TIMEOUT }, () => {
    const out = ok(['summarize', 'mobilenet'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(out).toMatch(ANSI);
  });

  it('json stays free of ANSI escapes even when colour is forced', { timeout: TIMEOUT }, () => {
    const out = ok(['summarize', 'mobilenet', '--format', 'json'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(out).not.toMatch(ANSI);
    expect(JSON.parse(out).totals.params.total).toBe(KERAS.mobilenet.params);
  });

  it('markdown: a heading, a GFM table with a row per layer, and the totals', { timeout: TIMEOUT }, () => {
    const out = ok(['summarize', 'resnet50', '--format', 'markdown']);
    expect(out).not.toMatch(ANSI);
    expect(out.startsWith('## ')).toBe(true);
    const lines = out.split('\n');
    const head = lines.findIndex((l) => /^\|( [^|]+ \|){3,}$/.test(l));
    expect(head).toBeGreaterThan(0);
    const columns = lines[head].split('|').length;
    expect(lines[head + 1]).toMatch(/^\|(:?-{3,}:?\|)+$/);
    expect(lines[head + 1].split('|').length).toBe(columns);
    const body: string[] = [];
    for (let i = head + 2; i < lines.length && lines[i].startsWith('|'); i++) body.push(lines[i]);
    expect(body).toHaveLength(RESNET50.layers);
    for (const row of body) expect(row.split('|').length).toBe(columns);
    expect(out).toContain('25,636,712');
  });

  it('csv: header, one row per layer, params summing to the total, balanced quotes', { timeout: TIMEOUT }, () => {
    const out = ok(['summarize', 'resnet50', '--format', 'csv']);
    expect(out).not.toMatch(ANSI);
    expect(out.trimEnd().split('\n')).toHaveLength(RESNET50.layers + 1);
    const rows = parseCsv(out);
    expect(rows[0].join(',')).toBe('name,type,output_shape,layers,params,macs,flops,activation_bytes,rf_size,rf_stride,rf_padding');
    expect(rows).toHaveLength(RESNET50.layers + 1);
    for (const row of rows) expect(row).toHaveLength(11);
    const data = rows.slice(1);
    for (const row of data) for (const i of [3, 4, 5, 6, 7]) expect(row[i], row.join(',')).toMatch(/^\d+$/);
    expect(sum(data.map((r) => Number(r[4])))).toBe(RESNET50.total);
    expect(data[0][0]).toBe('input_layer');
    expect(data[0][2]).toBe('224x224x3');
  });
});

// ---------------------------------------------------------------- --depth

describe('summarize --depth folds ResNet50 into stages and blocks', () => {
  const blocks = resnet50Blocks();

  it('--depth 1: input_layer, conv1..conv5, top', { timeout: TIMEOUT }, () => {
    const rows = parseCsv(ok(['summarize', 'resnet50', '--format', 'csv', '--depth', '1'])).slice(1);
    expect(rows.map((r) => r[0])).toEqual(['input_layer', 'conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'top']);
    expect(sum(rows.map((r) => Number(r[4])))).toBe(RESNET50.total);
    expect(sum(rows.map((r) => Number(r[3])))).toBe(RESNET50.layers);
    for (const row of rows.slice(1)) {
      const inStage = blocks.filter((b) => b.stage === row[0]);
      expect(Number(row[4]), row[0]).toBe(sum(inStage.map((b) => b.params)));
      expect(Number(row[3]), row[0]).toBe(sum(inStage.map((b) => b.layers)));
    }
  });

  it('--depth 2: the 16 residual blocks (3 + 4 + 6 + 3) between the stem and the head', { timeout: TIMEOUT }, () => {
    const rows = parseCsv(ok(['summarize', 'resnet50', '--format', 'csv', '--depth', '2'])).slice(1);
    const expected = ['input_layer', ...blocks.map((b) => b.name)];
    expect(expected.filter((n) => /_block\d+$/.test(n))).toHaveLength(16);
    expect(rows.map((r) => r[0])).toEqual(expected);
    for (const [i, b] of blocks.entries()) {
      expect(Number(rows[i + 1][4]), b.name).toBe(b.params);
      expect(Number(rows[i + 1][3]), b.name).toBe(b.layers);
    }
    expect(sum(rows.map((r) => Number(r[4])))).toBe(RESNET50.total);
  });

  it('--depth applies to the table and markdown too', { timeout: TIMEOUT }, () => {
    const md = ok(['summarize', 'resnet50', '--format', 'markdown', '--depth', '1']);
    for (const stage of ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'top']) expect(md).toMatch(new RegExp(`^\\| ${stage} \\|`, 'm'));
    expect(md).not.toMatch(/^\| conv2_block1_1_conv \|/m);
    const table = ok(['summarize', 'resnet50', '--depth', '1']);
    expect(table).toMatch(/\bconv5\b/);
    expect(table).not.toContain('conv2_block1_1_conv');
  });
});

// ---------------------------------------------------------------- aliases

describe('model aliases', () => {
  it('inception -> inceptionv3', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'inception']);
    expect(r.model.family).toBe('Inception');
    expect(r.totals.params.total).toBe(KERAS.inceptionv3.params);
    expect(r.totals.layers).toBe(KERAS.inceptionv3.layers);
    expect(r.model.inputShapes).toEqual([[null, 299, 299, 3]]);
  });

  it('resnet -> resnet50, and names are case-insensitive', { timeout: TIMEOUT }, () => {
    for (const name of ['resnet', 'ResNet50']) {
      const r = okJson(['summarize', name]);
      expect(r.model.family).toBe('ResNet');
      expect(r.totals.params.total, name).toBe(RESNET50.total);
      expect(r.totals.layers, name).toBe(RESNET50.layers);
    }
  });

  it('vgg -> vgg16', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'vgg']);
    expect(r.totals.params.total).toBe(KERAS.vgg16.params);
    expect(r.totals.layers).toBe(KERAS.vgg16.layers);
    expect(Math.abs(r.totals.macs / (KERAS.vgg16.gmacs * 1e9) - 1)).toBeLessThan(0.005);
  });
});

// ---------------------------------------------------------------- model options

describe('model options', () => {
  it('--alpha 0.5 shrinks MobileNet as the closed form says, same 91 layers', { timeout: TIMEOUT }, () => {
    const expected = mobilenet(0.5);
    const r = okJson(['summarize', 'mobilenet', '--alpha', '0.5']);
    expect(r.totals.params.total).toBe(1_342_536);
    expect(r.totals.params.total).toBe(expected.params);
    expect(r.totals.params.nonTrainable).toBe(expected.nonTrainable);
    expect(r.totals.params.total).toBeLessThan(KERAS.mobilenet.params);
    expect(r.totals.macs).toBe(expected.macs);
    expect(r.totals.layers).toBe(KERAS.mobilenet.layers);
  });

  it('--alpha 1 is the default MobileNet', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'mobilenet', '--alpha', '1']);
    expect(r.totals.params.total).toBe(KERAS.mobilenet.params);
    expect(r.totals.macs).toBe(mobilenet(1).macs);
  });

  it('--input-size 160x192 sets height x width; ResNet50 params do not depend on it', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'resnet50', '--input-size', '160x192']);
    expect(r.model.inputShapes).toEqual([[null, 160, 192, 3]]);
    expect(r.totals.params.total).toBe(RESNET50.total);
    // Every conv MAC scales with the output area; the Dense head does not.
    const head = 2048 * 1000;
    // Both sides are multiples of 32, so every feature map shrinks by the same area ratio.
    const scaled = (RESNET50.macs - head) * (160 * 192) / (224 * 224) + head;
    expect(Math.abs(r.totals.macs / scaled - 1)).toBeLessThan(0.005);
  });

  it('--input-size 160 is square', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'mobilenet', '--input-size', '160']);
    expect(r.model.inputShapes).toEqual([[null, 160, 160, 3]]);
    expect(r.totals.macs).toBe(mobilenet(1, 160).macs);
  });

  it('--no-top --pooling avg: Keras ResNet50(include_top=False, pooling="avg")', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'resnet50', '--no-top', '--pooling', 'avg']);
    expect(r.totals.params.total).toBe(RESNET50.noTopParams);
    expect(r.totals.params.nonTrainable).toBe(RESNET50.nonTrainable);
    expect(r.totals.layers).toBe(RESNET50.layersNoTop + 1);
    expect(r.layers.at(-1).outputShape).toEqual([null, 2048]);
  });

  it('--no-top alone ends at the last block: 175 layers, 7x7x2048', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'resnet50', '--no-top']);
    expect(r.totals.params.total).toBe(RESNET50.noTopParams);
    expect(r.totals.layers).toBe(RESNET50.layersNoTop);
    expect(r.layers.at(-1).outputShape).toEqual([null, 7, 7, 2048]);
  });

  it('--classes 10 resizes the classifier only', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'resnet50', '--classes', '10']);
    expect(r.totals.params.total).toBe(RESNET50.noTopParams + 2048 * 10 + 10);
    expect(r.totals.params.total).toBe(sum(resnet50Blocks(10).map((b) => b.params)));
    expect(r.totals.layers).toBe(RESNET50.layers);
    expect(r.layers.at(-1).outputShape).toEqual([null, 10]);
  });
});

// ---------------------------------------------------------------- errors

describe('errors: exit 2, one line on stderr, nothing on stdout, no stack trace', () => {
  const cases: [string, string[], (string | RegExp)[]][] = [
    ['unknown model with a close match', ['summarize', 'resnt50'], ['resnt50', 'did you mean "resnet50"']],
    ['unknown model with no close match', ['summarize', 'foobarbaz'], ['foobarbaz']],
    ['bad --format', ['summarize', 'resnet50', '--format', 'xml'], ['xml']],
    ['--depth 0', ['summarize', 'resnet50', '--depth', '0'], ['--depth']],
    ['--depth abc', ['summarize', 'resnet50', '--depth', 'abc'], ['--depth', 'abc']],
    ['--input-size 0', ['summarize', 'resnet50', '--input-size', '0'], ['--input-size']],
    ['--input-size too small for resnet50', ['summarize', 'resnet50', '--input-size', '10'], ['--input-size', '32']],
    ['--input-size abcx', ['summarize', 'resnet50', '--input-size', 'abcx'], ['--input-size', 'abcx']],
    ['--alpha not a Keras width', ['summarize', 'mobilenet', '--alpha', '0.3'], ['--alpha', '0.3']],
    ['--alpha on a model without one', ['summarize', 'resnet50', '--alpha', '0.5'], ['--alpha', 'resnet50']],
    ['--classes -3', ['summarize', 'resnet50', '--classes', '-3'], ['--classes']],
    ['--classes 0', ['summarize', 'resnet50', '--classes', '0'], ['--classes']],
    ['--pooling without --no-top', ['summarize', 'resnet50', '--pooling', 'avg'], ['--pooling', '--no-top']],
    ['an unknown option', ['summarize', 'resnet50', '--frobnicate'], ['--frobnicate']],
    ['an unknown global option', ['--frobnicate'], ['--frobnicate']],
    ['a missing model argument', ['summarize'], ['model']],
    ['an unknown command', ['frobnicate'], ['frobnicate']],
    ['bad list --format', ['list', '--format', 'xml'], ['xml']],
    ['bad engines --format', ['engines', '--format', 'csv'], ['csv']],
    ['an empty model name', ['summarize', ''], ['unknown model ""', 'dnarch list']],
    // fc1's kernel would be (64 * 64 * 512) x 4096 = 2^33 floats: more than one typed array holds.
    ['an input too large to build', ['summarize', 'vgg16', '--input-size', '2048', '--format', 'json'], ['vgg16', '2048x2048', 'too large']],
  ];
  for (const [what, args, mentions] of cases) {
    it(`${what}: dnarch ${args.join(' ')}`, { timeout: TIMEOUT }, () => {
      expectUsageError(dnarch(args), mentions);
    });
  }

  it('--debug adds the stack trace', { timeout: TIMEOUT }, () => {
    for (const args of [['--debug', 'summarize', 'resnt50'], ['summarize', 'resnt50', '--debug']]) {
      const r = dnarch(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n');
      expect(lines[0]).toContain('did you mean "resnet50"');
      expect(lines.filter((l) => /^ {4}at /.test(l)).length, r.stderr).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------- --out

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dnarch-cli-test-'));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('summarize --out', () => {
  it('writes what stdout would have shown, and prints nothing', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const file = join(dir, 'report.json');
    const r = dnarch(['summarize', 'mobilenet', '--format', 'json', '--out', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    const written = readFileSync(file, 'utf8');
    expect(written).toBe(ok(['summarize', 'mobilenet', '--format', 'json']));
    expect(JSON.parse(written).totals.params.total).toBe(KERAS.mobilenet.params);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('overwrites an existing file', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const file = join(dir, 'r.csv');
    expect(ok(['summarize', 'mobilenet', '--format', 'json', '--out', file])).toBe('');
    expect(ok(['summarize', 'mobilenet', '--format', 'csv', '--out', file])).toBe('');
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('name,type,output_shape,layers,params,macs,flops,activation_bytes,rf_size,rf_stride,rf_padding');
    expect(readdirSync(dir)).toEqual(['r.csv']);
  });

  it('a table written with --out has no colour even when colour is forced', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const file = join(dir, 'r.txt');
    expect(ok(['summarize', 'mobilenet', '--out', file], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(ANSI);
    expect(text).toContain('4,253,864');
  });

  it('into a directory that does not exist: exit 2, one line', { timeout: TIMEOUT }, () => {
    const missing = join(tempDir(), 'no-such-dir');
    const file = join(missing, 'x.json');
    expectUsageError(dnarch(['summarize', 'mobilenet', '--format', 'json', '--out', file]), ['--out', file]);
    expect(existsSync(missing)).toBe(false);
  });

  it('/nonexistent-dir/x.json: exit 2, one line', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['summarize', 'mobilenet', '--format', 'json', '--out', '/nonexistent-dir/x.json']), ['/nonexistent-dir/x.json']);
    expect(existsSync('/nonexistent-dir')).toBe(false);
  });

  it('onto a directory: exit 2, and no temporary file left beside it', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'taken'));
    expectUsageError(dnarch(['summarize', 'mobilenet', '--format', 'json', '--out', join(dir, 'taken')]), ['--out']);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(join(dir, 'taken'))).toEqual([]);
  });

  it('with a bad model name: exit 2 and no file at all', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    expectUsageError(dnarch(['summarize', 'foobarbaz', '--format', 'json', '--out', join(dir, 'x.json')]), ['foobarbaz']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('with a bad option: exit 2 and no file at all', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    expectUsageError(dnarch(['summarize', 'resnet50', '--alpha', '0.5', '--out', join(dir, 'x.json')]), ['--alpha']);
    expect(readdirSync(dir)).toEqual([]);
  });
});

// ---------------------------------------------------------------- engines

describe('dnarch engines', () => {

  it('lists tfjs-node, wasm and cpu, each available or unavailable', { timeout: TIMEOUT }, () => {
    const out = ok(['engines']);
    expect(out).not.toMatch(ANSI);
    for (const name of ['onnxruntime', 'tfjs-node', 'wasm', 'cpu']) {
      const line = out.split('\n').find((l) => l.startsWith(`${name} `));
      expect(line, name).toBeDefined();
      expect(line, name).toMatch(/\b(available|unavailable)\b/);
    }
    expect(out.split('\n').find((l) => l.startsWith('cpu '))).toMatch(/^cpu\s+available\b/);
    if (!tfjsNodeResolvable) expect(out.split('\n').find((l) => l.startsWith('tfjs-node '))).toMatch(/^tfjs-node\s+unavailable\b/);
  });

  it('--format json: four engines, cpu and onnxruntime available, tfjs-node absent when not installed', { timeout: TIMEOUT }, () => {
    const { engines } = okJson<{ engines: { name: string; available: boolean; reason?: string; version?: string }[] }>(['engines']);
    expect(engines).toHaveLength(4);
    expect(engines.map((e) => e.name).sort()).toEqual(['cpu', 'onnxruntime', 'tfjs-node', 'wasm']);
    for (const e of engines) expect(typeof e.available).toBe('boolean');
    expect(engines.find((e) => e.name === 'cpu')!.available).toBe(true);
    // onnxruntime-node (a devDependency here; dnarch's tarball carries it) has its CPU binaries inside the package.
    expect(engines.find((e) => e.name === 'onnxruntime')!.available).toBe(true);
    const node = engines.find((e) => e.name === 'tfjs-node')!;
    if (!tfjsNodeResolvable) {
      expect(node.available).toBe(false);
      expect(node.reason).toMatch(/not installed/);
    } else {
      expect(node.version).toMatch(/^\d+\.\d+\.\d+/);
    }
    for (const e of engines) if (!e.available) expect(e.reason, e.name).toBeTruthy();
  });
});

// ---------------------------------------------------------------- --strict

describe('--strict', () => {
  it('passes on zoo models: every layer class they use has a cost handler', { timeout: TIMEOUT }, () => {
    const r = dnarch(['summarize', 'vgg16', '--strict', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.complete).toBe(true);
    expect(report.totals.params.total).toBe(KERAS.vgg16.params);
  });
});

// ---------------------------------------------------------------- help

describe('help', () => {
  it('--help exits 0 and lists the commands on stdout', { timeout: TIMEOUT }, () => {
    const out = ok(['--help']);
    for (const c of ['list', 'summarize', 'engines']) expect(out).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it('--version prints the package version', { timeout: TIMEOUT }, () => {
    expect(ok(['--version']).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('summarize --help lists the model options', { timeout: TIMEOUT }, () => {
    const out = ok(['summarize', '--help']);
    for (const o of ['--format', '--depth', '--out', '--strict', '--input-size', '--classes', '--no-top', '--pooling', '--alpha']) {
      expect(out).toContain(o);
    }
  });
});
