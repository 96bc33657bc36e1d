/**
 * Every ONNX file of ../shared/real-models/onnx/ (and onnx/torchvision/) against the figures
 * its SOURCES.tsv and .onnxref.json give (computed with onnx's own reading, not dnarch's):
 * parameters, MACs in total and per op type, and where every stored element went.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeOpened } from '../../../src/api.js';
import type { ModelReport } from '../../../src/analysis/types.js';
import { openModelFile } from '../../../src/load/formats.js';
import type { InputShapeArg } from '../../../src/load/onnx/inputs.js';

const DIR = fileURLToPath(new URL('../../../../shared/real-models/onnx/', import.meta.url));
const present = existsSync(join(DIR, 'SOURCES.tsv'));

function tsv(file: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

/** "--input-shape input=1x4x224x224" (or "input=1x3x224x224 (dynamic batch)") as dnarch's argument; "--fix-dynamic 1" is dnarch's default batch. */
function shapesOf(args: string): InputShapeArg[] {
  const m = /(?:--input-shape\s+)?(\S+)=(\d+(?:x\d+)*)/.exec(args);
  return m ? [{ name: m[1], dims: m[2].split('x').map(Number) }] : [];
}

async function report(file: string, inputShapes: InputShapeArg[]): Promise<ModelReport> {
  return analyzeOpened(await openModelFile(file, { inputShapes }), file).report;
}

interface OnnxRef {
  params: number;
  int_initializers: number;
  constant_nodes: { float: number; int: number; other: number };
  per_op_macs: Record<string, number>;
  macs: number;
}

/** Stored elements the report puts somewhere: parameters, config constants, quantization constants. */
const accounted = (r: ModelReport): number =>
  r.totals.params.total + (r.totals.constants?.config.elements ?? 0) + (r.totals.constants?.quantization.elements ?? 0);

const macsByOp = (r: ModelReport): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const l of r.layers) if (l.macs > 0) out[l.className] = (out[l.className] ?? 0) + l.macs;
  return out;
};

/**
 * Float initializers that are not parameters by dnarch's rule (the column counts every float
 * initializer): YOLOX's two Resize nodes share one scales tensor [1, 1, 2, 2].
 */
const FLOAT_SETTINGS = new Map([['yolox-bubbliiiing-onnx__yolox_nano.onnx', 4]]);

/** Quantized files: their weights are their parameters, though the float-initializer column counts only scales. */
const QUANTIZED = new Set(['lpr_detect__model.quant.onnx']);

describe.skipIf(!present)('real ONNX files (../shared/real-models/onnx)', () => {
  const rows = present ? tsv(join(DIR, 'SOURCES.tsv')) : [];
  for (const row of rows) {
    describe(row.file, () => {
      const file = join(DIR, row.file);
      const ref = JSON.parse(readFileSync(`${file}.onnxref.json`, 'utf8')) as OnnxRef;
      let r: ModelReport;

      it(`MACs = ${row.macs}, per op type as onnxref counts them`, async () => {
        r = await report(file, shapesOf(row.onnxref_args));
        expect(r.totals.macs).toBe(Number(row.macs));
        expect(r.totals.macs).toBe(ref.macs);
        expect(macsByOp(r)).toEqual(ref.per_op_macs);
      });

      it('parameters: the params column, and every stored element accounted for', async () => {
        r ??= await report(file, shapesOf(row.onnxref_args));
        // Initializers (float + other) and Constant-node tensors, as onnx reads them.
        const stored = ref.params + ref.int_initializers + ref.constant_nodes.float + ref.constant_nodes.int + ref.constant_nodes.other;
        expect(accounted(r)).toBe(stored);
        if (QUANTIZED.has(row.file)) {
          // 8-bit weights are parameters: far more than the float scales the column counts.
          const eightBit = (r.totals.paramsByDtype?.int8 ?? 0) + (r.totals.paramsByDtype?.uint8 ?? 0);
          expect(eightBit).toBeGreaterThan(0.99 * r.totals.params.total);
          expect(r.notes?.some((n) => n.startsWith(`quantized: ${eightBit.toLocaleString('en-US')} of the`))).toBe(true);
        } else {
          expect(r.totals.params.total).toBe(Number(row.params) - (FLOAT_SETTINGS.get(row.file) ?? 0));
        }
      });

      if (row.notes.startsWith('NON-NEURAL')) {
        it('is reported for what it is: its ops listed, nothing to cost, one note saying so', async () => {
          r ??= await report(file, shapesOf(row.onnxref_args));
          expect(r.totals.macs).toBe(0);
          expect(r.unsupported.map((u) => u.className)).toEqual(expect.arrayContaining(['ai.onnx.ml:TreeEnsembleClassifier', 'ai.onnx.ml:ZipMap']));
          expect(r.notes?.filter((n) => n.startsWith('not a neural network'))).toHaveLength(1);
        });
      }
    });
  }

  it('lpr_detect without --input-shape: height and width are named, MACs unknown, totals incomplete', async () => {
    const r = await report(join(DIR, 'lpr_detect__model.quant.onnx'), []);
    expect(r.complete).toBe(false);
    expect(r.model.inputShapes).toEqual([[1, 3, null, null]]);
    expect(r.notes?.some((n) => n.includes('height, width') && n.includes('--input-shape images='))).toBe(true);
  });

  it('rl-godot: weights in external data, not read, and said', async () => {
    const r = await report(join(DIR, 'rl-godot/model.onnx'), []);
    expect(r.notes?.some((n) => n.includes('external data (model.onnx.data)'))).toBe(true);
    expect(r.model.inputShapes).toEqual([[1, 13], [1]]);
  });

  it('mnist-sm (nodes out of topological order) reads in dependency order', async () => {
    const r = await report(join(DIR, 'onnx-parser__mnist-sm.onnx'), []);
    const seen = new Set<string>();
    for (const l of r.layers) {
      for (const i of l.inbound) expect(seen.has(i)).toBe(true);
      seen.add(l.name);
    }
  });
});

describe.skipIf(!present)('torchvision exports (../shared/real-models/onnx/torchvision)', () => {
  const rows = present ? tsv(join(DIR, 'torchvision/SOURCES.tsv')) : [];
  for (const row of rows) {
    it(`${row.file}: params ${row.params}, MACs ${row.macs}`, async () => {
      const r = await report(join(DIR, 'torchvision', row.file), shapesOf(row.input));
      expect(r.totals.macs).toBe(Number(row.macs));
      expect(r.complete).toBe(true);
      if (row.file.includes('quant')) {
        // "Constant-node elements float=246 int=3488062": int8 weights and int32 biases, their
        // 246 int zero points; the 246 float scales and those zero points are quantization constants.
        const [, float, int] = /float=(\d+) int=(\d+)/.exec(row.notes)!.map(Number);
        expect(r.totals.constants?.quantization.elements).toBe(2 * float);
        expect(r.totals.params.total).toBe(int - float);
        expect(r.notes?.some((n) => n.startsWith(`quantized: ${(r.totals.paramsByDtype?.int8 ?? 0).toLocaleString('en-US')} of the`))).toBe(true);
      } else {
        expect(r.totals.params.total).toBe(Number(row.params));
      }
    });
  }

  it('the dynamic-batch SqueezeNet takes batch 1 without --input-shape, and says so', async () => {
    const r = await report(join(DIR, 'torchvision/squeezenet1_1_op13_dynbatch.onnx'), []);
    expect(r.totals.macs).toBe(349151936);
    expect(r.notes?.[0]).toBe('the batch is taken as 1 (--batch to change it) for input (dimension 0, "batch")');
  });
});
