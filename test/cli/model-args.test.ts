/**
 * How a model argument is read, end to end on the built CLI: a path or a zoo name (and
 * which wins when it is both), per-model options `NAME@key=value,...`, the labels that tell
 * two sides apart, and the one-line errors. Figures come from closed forms written here or
 * from published tables (Keras, the MobileNet paper), never from another run of dnarch.
 */
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kerasReference } from '../reference.js';
import { dnarch, expectUsageError, ok, okJson, ROOT, TIMEOUT } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'dnarch-model-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A tfjs layers-model directory and an ONNX file, named without a slash, run from their directory.
cpSync(join(ROOT, 'fixtures/models/shards'), join(dir, 'tiny-tfjs'), { recursive: true });
copyFileSync(join(ROOT, 'fixtures/onnx/tiny-cnn.onnx'), join(dir, 'model.onnx'));
// A directory with a zoo model's name.
cpSync(join(ROOT, 'fixtures/models/shards'), join(dir, 'resnet50'), { recursive: true });
writeFileSync(join(dir, 'plain-file'), 'not a directory');

const inDir = { cwd: dir };

/** MobileNet (arXiv 1704.04861) Table 6, 224x224: width multiplier -> million Mult-Adds, million parameters. */
const MOBILENET_TABLE_6 = new Map([
  [0.5, { mmacs: 149, mparams: 1.3 }],
  [0.25, { mmacs: 41, mparams: 0.5 }],
]);

describe('a model argument that is an existing path', () => {
  it('a directory named without a slash is read as the model directory', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'tiny-tfjs'], inDir);
    expect(r.model.source).toBe('tiny-tfjs');
  });

  it('a file named without a slash (run from its directory) is read as the file', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'model.onnx'], inDir);
    expect(r.model.source).toBe('model.onnx');
    // tiny-cnn.onnx takes one 1x3x32x32 image.
    expect(r.model.inputShapes).toEqual([[1, 3, 32, 32]]);
  });

  it('a zoo name stays the zoo model when a directory of that name exists, with a note; ./NAME is the directory', { timeout: TIMEOUT }, () => {
    const r = dnarch(['summarize', 'resnet50', '--format', 'json'], inDir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('dnarch: note: "resnet50" is the zoo model resnet50; for the file or directory of that name write ./resnet50\n');
    const zoo = JSON.parse(r.stdout);
    expect(zoo.model.source).toBe('zoo');
    expect(zoo.totals.params).toEqual(kerasReference('resnet50').params);
    const file = okJson(['summarize', './resnet50'], inDir);
    expect(file.model.source).toBe('./resnet50');
  });

  it('a name that is neither says so, and suggests no other model', { timeout: TIMEOUT }, () => {
    const line = expectUsageError(dnarch(['summarize', 'mobilenet-tfjs'], inDir), [
      'unknown model "mobilenet-tfjs"',
      'no file or directory of that name exists',
    ]);
    expect(line).not.toContain('did you mean');
  });
});

describe('zoo names as people type them', () => {
  it('mobilenet_v2 is mobilenetv2 (published Keras params)', { timeout: TIMEOUT }, () => {
    const r = okJson(['summarize', 'mobilenet_v2']);
    expect(r.totals.params).toEqual(kerasReference('mobilenetv2').params);
  });

  it('efficientnet-b3 is not B0: the line lists what the family has', { timeout: TIMEOUT }, () => {
    const line = expectUsageError(dnarch(['summarize', 'efficientnet-b3']), ['unknown model "efficientnet-b3"', 'no such EfficientNet model', 'efficientnetb0']);
    expect(line).not.toContain('did you mean');
  });
});

describe('NAME@key=value: options of one model', () => {
  it('compare resnet50@input-size=160 resnet50: labels apart, params unchanged, conv MACs scale by (160/224)^2', { timeout: TIMEOUT }, () => {
    const c = okJson(['compare', 'resnet50@input-size=160', 'resnet50']);
    expect(c.models.map((m: { label: string }) => m.label)).toEqual(['resnet50@input-size=160', 'resnet50']);
    const row = (metric: string) => c.rows.find((r: { metric: string }) => r.metric === metric);
    const published = kerasReference('resnet50').params.total;
    expect(row('params').values).toEqual([published, published]);
    // Every spatial size halves evenly from both inputs (224 -> 7, 160 -> 5), so every layer but
    // the classifier (2048 x 1000 MACs, independent of the input) scales by exactly 25/49.
    const [at160, at224] = row('macs').values as number[];
    const dense = 2048 * 1000;
    expect((at160 - dense) * 49).toBe((at224 - dense) * 25);
    expect(row('input').values).toEqual(['160x160', '224x224']);
  });

  it('diff mobilenet@alpha=0.5 mobilenet: the labels, and the 0.5 MobileNet of the paper (Table 6)', { timeout: TIMEOUT }, () => {
    const d = okJson(['diff', 'mobilenet@alpha=0.5', 'mobilenet']);
    const text = JSON.stringify(d);
    expect(text).toContain('"mobilenet@alpha=0.5"');
    const s = okJson(['summarize', 'mobilenet@alpha=0.5']);
    const ref = MOBILENET_TABLE_6.get(0.5)!;
    expect(Math.round(s.totals.macs / 1e6)).toBe(ref.mmacs);
    expect(Math.round(s.totals.params.total / 1e5) / 10).toBe(ref.mparams);
    // conv1: 3x3x3 kernels, 32 x 0.5 = 16 filters, no bias, stride 2 -> 112x112 outputs.
    const conv1 = s.layers.find((l: { name: string }) => l.name === 'conv1');
    expect(conv1.params.total).toBe(3 * 3 * 3 * 16);
    expect(conv1.macs).toBe(112 * 112 * 3 * 3 * 3 * 16);
  });

  it('summarize mobilenet@input-size=160: params as published at 224, conv1 MACs on an 80x80 output', { timeout: TIMEOUT }, () => {
    const s = okJson(['summarize', 'mobilenet@input-size=160']);
    expect(s.totals.params).toEqual(kerasReference('mobilenet').params);
    const conv1 = s.layers.find((l: { name: string }) => l.name === 'conv1');
    expect(conv1.macs).toBe(80 * 80 * 3 * 3 * 3 * 32);
  });

  it('check takes them too: 0.5 MobileNet is within 150M MACs and over 148M', { timeout: TIMEOUT }, () => {
    expect(dnarch(['check', 'mobilenet@alpha=0.5', '--max-macs', '150M']).status).toBe(0);
    expect(dnarch(['check', 'mobilenet@alpha=0.5', '--max-macs', '148M']).status).toBe(1);
  });

  it('bench takes them, and --warmup 0: the 0.25 MobileNet (Table 6: 41M Mult-Adds) timed with no warm-up', { timeout: TIMEOUT }, () => {
    const b = okJson(['bench', 'mobilenet@alpha=0.25', '--engine', 'cpu', '--runs', '1', '--warmup', '0']);
    expect(Math.round(b.model.macsPerImage / 1e6)).toBe(MOBILENET_TABLE_6.get(0.25)!.mmacs);
    expect(b.settings.warmup).toBe(0);
    expect(b.results[0].warmupRuns).toBe(0);
    expect(b.results[0].runs).toBe(1);
  });

  it('the same option in @ and as a flag: agreeing is fine', { timeout: TIMEOUT }, () => {
    const s = okJson(['summarize', 'mobilenet@alpha=0.5', '--alpha', '0.5']);
    expect(Math.round(s.totals.macs / 1e6)).toBe(149);
  });

  const errors: [string, string[], string[]][] = [
    ['an unknown key', ['compare', 'resnet50@foo=1', 'resnet50'], ['resnet50@foo=1', 'unknown option "foo"', 'input-size, alpha, classes, no-top, pooling']],
    ['a bad value', ['compare', 'resnet50', 'resnet50@input-size=abc'], ['resnet50@input-size=abc', 'input-size', 'expected a size']],
    ['a key without its value', ['summarize', 'resnet50@classes'], ['resnet50@classes', 'needs a value']],
    ['an option that does not apply', ['compare', 'resnet50@alpha=0.5', 'mobilenet'], ['resnet50@alpha', 'MobileNets only']],
    ['an alpha Keras does not have', ['summarize', 'mobilenet@alpha=0.3'], ['mobilenet@alpha', 'one of 0.25, 0.5, 0.75, 1']],
    ['pooling with the classifier', ['savings', 'mobilenet@pooling=avg'], ['mobilenet@pooling', '--no-top']],
    ['@ and a flag that disagree', ['diff', 'mobilenet@alpha=0.5', 'mobilenet', '--alpha', '0.75'], ['mobilenet@alpha=0.5', '--alpha', 'disagree']],
    ['a key twice', ['summarize', 'resnet50@classes=10,classes=20'], ['classes is given twice']],
    ['nothing after @', ['summarize', 'resnet50@'], ['resnet50@', 'empty option']],
    ['an unknown model before @', ['summarize', 'resnt50@input-size=160'], ['unknown model "resnt50"', 'did you mean "resnet50"?']],
    ['bench, before anything is timed', ['bench', 'mobilenet@alpha=2'], ['mobilenet@alpha', 'one of']],
    ['export, before anything is written', ['export', 'resnet50@no-top=yes', '--onnx', join(dir, 'never.onnx')], ['no-top', 'takes no value']],
    ['the last of several models', ['report', 'mobilenet', 'resnet50@input-size=8'], ['resnet50@input-size 8x8 is too small']],
  ];
  for (const [what, args, mentions] of errors) {
    it(`${what}: dnarch ${args.join(' ')}`, { timeout: TIMEOUT }, () => {
      expectUsageError(dnarch(args), mentions);
    });
  }
});

describe('bench --warmup', () => {
  for (const bad of ['-1', '1.5', 'x']) {
    it(`refuses --warmup ${bad}`, { timeout: TIMEOUT }, () => {
      expectUsageError(dnarch(['bench', 'mobilenet', '--warmup', bad]), ['--warmup', 'whole number of 0 or more']);
    });
  }
});

describe('compare without colour', () => {
  it('marks the best value of each row with * and says so under the table', { timeout: TIMEOUT }, () => {
    const out = ok(['compare', 'mobilenet', 'mobilenetv2']);
    // Published Keras figures: MobileNetV2 has fewer params (3.54M < 4.25M) and MACs (0.301G < 0.569G).
    const line = (label: string) => out.split('\n').find((l) => l.startsWith(`│ ${label} `)) ?? '';
    expect(line('Params')).toMatch(/│\s+4\.25M │\s+3\.54M \(0\.83x\) \* │$/);
    expect(line('MACs')).toMatch(/│\s+569M │\s+301M \(0\.53x\) \* │$/);
    // Depth has no better direction: no mark.
    expect(line('Depth (layers with weights)')).not.toContain('*');
    expect(out).toContain('\n* the lowest value of its row, where lower is better');
    const coloured = ok(['compare', 'mobilenet', 'mobilenetv2'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(coloured).not.toContain(' *');
  });
});

describe('file-system errors name the path and say what is wrong', () => {
  const missingDir = join(dir, 'no-such-dir');
  const cases: [string, string[], string[]][] = [
    ['a missing model file', ['summarize', join(missingDir, 'model.onnx')], [join(missingDir, 'model.onnx'), 'no such file or directory (ENOENT)']],
    ['a model path through a file', ['bench', join(dir, 'plain-file', 'm.onnx')], [join(dir, 'plain-file', 'm.onnx'), 'not a directory (ENOTDIR)']],
    ['a missing --budget', ['check', 'mobilenet', '--budget', join(missingDir, 'b.json')], ['--budget', join(missingDir, 'b.json'), 'no such file or directory']],
    ['--out in a missing directory', ['summarize', 'mobilenet', '--out', join(missingDir, 'x.txt')], ['--out', join(missingDir, 'x.txt'), 'no such file or directory']],
    ['--out below a file', ['summarize', 'mobilenet', '--out', join(dir, 'plain-file', 'x.txt')], ['--out', join(dir, 'plain-file'), 'is not a directory']],
    ['--onnx below a file', ['export', 'mobilenet', '--onnx', join(dir, 'plain-file', 'x.onnx')], ['--onnx', join(dir, 'plain-file'), 'is not a directory']],
    ['a missing --bench', ['report', 'mobilenet', '--bench', join(missingDir, 'b.json'), '--out', join(dir, 'r.html')], ['--bench', join(missingDir, 'b.json'), 'no such file']],
  ];
  for (const [what, args, mentions] of cases) {
    it(`${what}: dnarch ${args.join(' ')}`, { timeout: TIMEOUT }, () => {
      expectUsageError(dnarch(args), mentions);
    });
  }
});
