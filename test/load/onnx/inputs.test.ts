/**
 * Sizing an ONNX file's graph inputs: symbolic batch dims, --batch, --input-shape (by name
 * and unnamed), shared symbols, the one-line errors of each misuse, lenient mode for
 * commands over several models, and open dims that stay open (never guessed).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planInputs } from '../../../src/load/onnx/inputs.js';
import { analyzeModel, cleanupModels, failure, OnnxModelBuilder, row } from './onnx-file.js';
import { GraphBuilder, F } from './graph-builder.js';

afterAll(cleanupModels);

/** Valid convolution output length: floor((n + pads - k) / s) + 1. */
const convOut = (n: number, k: number, s = 1, pads = 0): number => Math.floor((n + pads - k) / s) + 1;

/** x -> Conv(W [cout, cin, k, k]) -> y, x declared with `dims`. */
function convModel(dims: (number | string | null)[], cin = 3, cout = 4, k = 3): OnnxModelBuilder {
  return new OnnxModelBuilder()
    .input('x', dims)
    .f32('w', [cout, cin, k, k])
    .node('Conv', ['x', 'w'], ['y'], {}, { name: 'conv' })
    .output('y');
}

describe('the batch: an open first dimension', () => {
  it('takes batch 1 for a symbolic first dimension, and says so', async () => {
    const { report } = await analyzeModel(convModel(['N', 3, 8, 8]));
    const [ho, wo] = [convOut(8, 3), convOut(8, 3)];
    expect(report.model.inputShapes).toEqual([[1, 3, 8, 8]]);
    expect(row(report, 'conv').outputShape).toEqual([1, 4, ho, wo]);
    expect(row(report, 'conv').macs).toBe(1 * 4 * ho * wo * (3 * 3 * 3));
    expect(report.complete).toBe(true);
    const note = (report.notes ?? []).find((n) => n.startsWith('the batch is taken as'));
    expect(note).toBeDefined();
    expect(note).toContain('"N"');
    expect(note).toContain('taken as 1');
    expect(note).toContain('--batch');
  });

  it('takes --batch N for it, and every cost scales with N', async () => {
    const { report, opened } = await analyzeModel(convModel(['N', 3, 8, 8]), { batch: 5 });
    const [ho, wo] = [convOut(8, 3), convOut(8, 3)];
    expect(report.model.inputShapes).toEqual([[5, 3, 8, 8]]);
    expect(row(report, 'conv').macs).toBe(5 * 4 * ho * wo * (3 * 3 * 3));
    expect(opened.onnx?.inputs[0].batchIndex).toBe(0);
    const note = (report.notes ?? []).find((n) => n.startsWith('the batch is taken as'));
    expect(note).toContain('taken as 5');
    // Given explicitly: no hint to use the flag.
    expect(note).not.toContain('--batch to change it');
  });

  it('takes the batch for a first dimension that has neither a value nor a name', async () => {
    const { report } = await analyzeModel(convModel([null, 3, 8, 8]), { batch: 2 });
    expect(report.model.inputShapes).toEqual([[2, 3, 8, 8]]);
    expect((report.notes ?? []).some((n) => n.includes('x (dimension 0)'))).toBe(true);
  });

  it('takes the dimension whose symbol names the batch, wherever it stands: [seq, batch, features]', async () => {
    const m = new OnnxModelBuilder().input('x', ['seq', 'batch', 8]).node('Relu', ['x'], ['y'], {}, { name: 'relu' }).output('y', ['seq', 'batch', 8]);
    const { report, opened } = await analyzeModel(m);
    expect(report.model.inputShapes).toEqual([[null, 1, 8]]);
    expect(opened.onnx?.inputs[0].batchIndex).toBe(1);
    expect((report.notes ?? []).some((n) => n.includes('leaves seq open'))).toBe(true);
  });

  it('accepts --batch equal to a fixed first dimension', async () => {
    const { report } = await analyzeModel(convModel([3, 3, 8, 8]), { batch: 3 });
    expect(report.model.inputShapes).toEqual([[3, 3, 8, 8]]);
    expect(row(report, 'conv').macs).toBe(3 * 4 * 6 * 6 * 27);
  });
});

describe('a symbol shared by two inputs', () => {
  /** a [B, T, 8] + b [B, T, 8]. */
  const shared = () =>
    new OnnxModelBuilder()
      .input('a', ['B', 'T', 8])
      .input('b', ['B', 'T', 8])
      .f32('w', [8, 16])
      .node('Add', ['a', 'b'], ['s'], {}, { name: 'add' })
      .node('MatMul', ['s', 'w'], ['y'], {}, { name: 'proj' })
      .output('y');

  it('takes one value: the batch for both first dims', async () => {
    const { opened } = await analyzeModel(shared(), { batch: 3 });
    const dims = opened.onnx?.inputs.map((i) => i.dims);
    expect(dims).toEqual([[3, null, 8], [3, null, 8]]);
  });

  it('gets the size --input-shape gives one input on the other input too', async () => {
    const { report, opened } = await analyzeModel(shared(), { inputShapes: [{ name: 'a', dims: [2, 5, 8] }] });
    expect(opened.onnx?.inputs.map((i) => i.dims)).toEqual([[2, 5, 8], [2, 5, 8]]);
    expect(row(report, 'add').flops).toBe(2 * 5 * 8);
    expect(row(report, 'proj').macs).toBe(2 * 5 * 8 * 16);
    expect(report.complete).toBe(true);
    expect((report.notes ?? []).some((n) => n.includes('open'))).toBe(false);
  });

  it('refuses --batch that contradicts the batch an --input-shape gives the shared symbol', async () => {
    // b's first dimension is open, so it is the batch (--batch 4); it is also "B", which a=2x5x8 makes 2.
    const msg = await failure(shared(), { inputShapes: [{ name: 'a', dims: [2, 5, 8] }], batch: 4 }, 'BAD_OPTION');
    expect(msg).toContain('"B"');
  });

  it('refuses two given shapes that disagree on the symbol', async () => {
    const msg = await failure(shared(), { inputShapes: [{ name: 'a', dims: [2, 5, 8] }, { name: 'b', dims: [3, 5, 8] }] }, 'BAD_OPTION');
    expect(msg).toContain('"B"');
  });
});

describe('--input-shape', () => {
  it('sizes an input by name', async () => {
    const { report } = await analyzeModel(convModel(['N', 3, 'H', 'W']), { inputShapes: [{ name: 'x', dims: [1, 3, 10, 12] }] });
    expect(report.model.inputShapes).toEqual([[1, 3, 10, 12]]);
    expect(row(report, 'conv').macs).toBe(1 * 4 * convOut(10, 3) * convOut(12, 3) * 27);
    expect(report.complete).toBe(true);
  });

  it('sizes the only input without a name', async () => {
    const { report } = await analyzeModel(convModel(['N', 3, 'H', 'W']), { inputShapes: [{ dims: [2, 3, 9, 7] }] });
    expect(report.model.inputShapes).toEqual([[2, 3, 9, 7]]);
    expect(row(report, 'conv').macs).toBe(2 * 4 * convOut(9, 3) * convOut(7, 3) * 27);
  });

  it('sizes an input whose name is an Object.prototype key', async () => {
    const m = new OnnxModelBuilder()
      .input('constructor', ['N', 3, 'H', 'W'])
      .f32('w', [4, 3, 3, 3])
      .node('Conv', ['constructor', 'w'], ['y'], {}, { name: 'conv' })
      .output('y');
    const { report } = await analyzeModel(m, { inputShapes: [{ name: 'constructor', dims: [1, 3, 5, 5] }] });
    expect(row(report, 'conv').macs).toBe(4 * 3 * 3 * 27);
  });
});

describe('--input-shape and --batch errors: one line, BAD_OPTION', () => {
  it('names the inputs there are when the name is unknown', async () => {
    const msg = await failure(convModel(['N', 3, 8, 8]), { inputShapes: [{ name: 'image', dims: [1, 3, 8, 8] }] }, 'BAD_OPTION');
    expect(msg).toContain('"image"');
    expect(msg).toContain('"x"');
  });

  it.each(['__proto__', 'toString', 'constructor'])('treats the name %s as unknown, not as an object key', async (name) => {
    const msg = await failure(convModel(['N', 3, 8, 8]), { inputShapes: [{ name, dims: [1, 3, 8, 8] }] }, 'BAD_OPTION');
    expect(msg).toContain(JSON.stringify(name));
    expect(msg).toContain('"x"');
  });

  it('refuses an unnamed shape for a model with two inputs, naming both', async () => {
    const m = new OnnxModelBuilder().input('a', ['N', 4]).input('b', ['N', 4]).node('Add', ['a', 'b'], ['y']);
    const msg = await failure(m, { inputShapes: [{ dims: [1, 4] }] }, 'BAD_OPTION');
    expect(msg).toContain('2 inputs');
    expect(msg).toContain('"a"');
    expect(msg).toContain('"b"');
  });

  it('refuses a shape of the wrong rank', async () => {
    const msg = await failure(convModel(['N', 3, 8, 8]), { inputShapes: [{ name: 'x', dims: [1, 3, 8] }] }, 'BAD_OPTION');
    expect(msg).toContain('4 dimensions');
  });

  it('refuses a shape that contradicts a fixed dimension', async () => {
    const msg = await failure(convModel(['N', 3, 8, 8]), { inputShapes: [{ name: 'x', dims: [1, 4, 8, 8] }] }, 'BAD_OPTION');
    expect(msg).toContain('dimension 1');
    expect(msg).toContain('3');
  });

  it('refuses --input-shape given twice for one input', async () => {
    const msg = await failure(convModel(['N', 3, 'H', 'W']), { inputShapes: [{ name: 'x', dims: [1, 3, 8, 8] }, { name: 'x', dims: [1, 3, 9, 9] }] }, 'BAD_OPTION');
    expect(msg).toContain('twice');
  });

  it('refuses an unnamed and a named shape for the same (only) input', async () => {
    const msg = await failure(convModel(['N', 3, 'H', 'W']), { inputShapes: [{ dims: [1, 3, 8, 8] }, { name: 'x', dims: [1, 3, 8, 8] }] }, 'BAD_OPTION');
    expect(msg).toContain('twice');
  });

  it('refuses --batch that contradicts the first dimension --input-shape gives', async () => {
    const msg = await failure(convModel(['N', 3, 8, 8]), { inputShapes: [{ name: 'x', dims: [2, 3, 8, 8] }], batch: 4 }, 'BAD_OPTION');
    expect(msg).toContain('4');
  });

  it('accepts --batch equal to the first dimension --input-shape gives', async () => {
    const { report } = await analyzeModel(convModel(['N', 3, 8, 8]), { inputShapes: [{ name: 'x', dims: [2, 3, 8, 8] }], batch: 2 });
    expect(row(report, 'conv').macs).toBe(2 * 4 * 6 * 6 * 27);
  });

  it('refuses --batch that contradicts a fixed first dimension', async () => {
    const msg = await failure(convModel([1, 3, 8, 8]), { batch: 4 }, 'BAD_OPTION');
    expect(msg).toContain('--batch 4');
    expect(msg).toContain('"x"');
  });
});

describe('lenient mode (commands over several models)', () => {
  it('notes a shape for an input this file lacks and goes on', async () => {
    const { report } = await analyzeModel(convModel(['N', 3, 8, 8]), { inputShapes: [{ name: 'tokens', dims: [1, 128] }], lenient: true });
    expect(row(report, 'conv').macs).toBe(4 * 6 * 6 * 27);
    const note = (report.notes ?? []).find((n) => n.includes('"tokens"'));
    expect(note).toBeDefined();
    expect(note).toContain('not applied');
  });

  it('notes an unnamed shape for a two-input model and goes on', async () => {
    const m = new OnnxModelBuilder().input('a', ['N', 4]).input('b', ['N', 4]).node('Add', ['a', 'b'], ['y'], {}, { name: 'add' });
    const { report } = await analyzeModel(m, { inputShapes: [{ dims: [1, 4] }], lenient: true });
    expect(row(report, 'add').flops).toBe(1 * 4);
    expect((report.notes ?? []).some((n) => n.includes('2 inputs') && n.includes('not applied'))).toBe(true);
  });

  it('still applies the shapes that do fit', async () => {
    const { report } = await analyzeModel(convModel(['N', 3, 'H', 'W']), {
      inputShapes: [{ name: 'other', dims: [1, 2] }, { name: 'x', dims: [1, 3, 10, 10] }],
      lenient: true,
    });
    expect(row(report, 'conv').macs).toBe(4 * 8 * 8 * 27);
  });
});

describe('open dimensions stay open', () => {
  it('leaves H and W null, names them and the flag, and marks the totals incomplete', async () => {
    const { report } = await analyzeModel(convModel(['N', 3, 'H', 'W']));
    expect(report.model.inputShapes).toEqual([[1, 3, null, null]]);
    const conv = row(report, 'conv');
    expect(conv.outputShape).toEqual([1, 4, null, null]);
    // Conv has a cost rule: on open shapes its cost is unknown, not unsupported
    expect(conv.supported).toBe(true);
    expect(conv.unknownCost).toBe(true);
    expect(conv.macs).toBe(0);
    expect(report.unknownCost).toContain('conv');
    expect(report.complete).toBe(false);
    const note = (report.notes ?? []).find((n) => n.includes('leaves'));
    expect(note).toBeDefined();
    expect(note).toContain('H');
    expect(note).toContain('W');
    expect(note).toContain('--input-shape x=1x3x<H>x<W>');
  });

  it('names an open dimension that has no symbol by its position', async () => {
    const { report } = await analyzeModel(convModel(['N', 3, null, 8]));
    expect(report.model.inputShapes).toEqual([[1, 3, null, 8]]);
    const note = (report.notes ?? []).find((n) => n.includes('leaves'));
    expect(note).toContain('dimension 2');
    expect(report.complete).toBe(false);
  });

  it('says so when even the rank is unknown', async () => {
    const { report } = await analyzeModel(convModel(null as unknown as (number | string | null)[]));
    expect(report.model.inputShapes).toEqual([null]);
    expect((report.notes ?? []).some((n) => n.includes('its rank'))).toBe(true);
    expect(report.complete).toBe(false);
  });

  it('keeps totals complete when the open dimension reaches no cost', async () => {
    // An Identity costs nothing whatever its size: the open L is noted, the totals stay complete.
    const m = new OnnxModelBuilder().input('x', ['N', 'L']).node('Identity', ['x'], ['y'], {}, { name: 'id' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'id').supported).toBe(true);
    expect(report.complete).toBe(true);
    expect((report.notes ?? []).some((n) => n.includes('"L"') || n.includes('L open'))).toBe(true);
  });
});

describe('planInputs, called directly', () => {
  it('binds a symbol given on one input to every input that shares it', () => {
    const g = new GraphBuilder().input('a', F, null).input('b', F, null).build();
    g.inputs[0].dims = ['B', 'S', 'D'];
    g.inputs[1].dims = ['B', 'D'];
    const plan = planInputs(g, 'm.onnx', { inputShapes: [{ name: 'a', dims: [2, 7, 32] }] });
    expect(plan.inputs.map((i) => i.dims)).toEqual([[2, 7, 32], [2, 32]]);
    expect(plan.facts.get('b')?.shape).toEqual([2, 32]);
    expect(plan.inputs.every((i) => i.open.length === 0)).toBe(true);
  });

  it('does not mark an input as a batch axis when its first dimension took its size from --input-shape through a symbol', () => {
    const g = new GraphBuilder().input('a', F, null).input('b', F, null).build();
    g.inputs[0].dims = ['B', 'S', 'D'];
    g.inputs[1].dims = ['B', 'D'];
    const plan = planInputs(g, 'm.onnx', { inputShapes: [{ name: 'a', dims: [2, 7, 32] }] });
    // a is fixed at 2 by --input-shape; b's "B" is the same dimension, so bench must not vary it with --batch.
    expect(plan.inputs[0].batchIndex).toBeNull();
    expect(plan.inputs[1].batchIndex).toBeNull();
  });

  it('leaves the model with no inputs alone, and names none in an error', () => {
    const g = new GraphBuilder().build();
    expect(() => planInputs(g, 'm.onnx', { inputShapes: [{ name: 'x', dims: [1] }] })).toThrow(/inputs: none/);
  });
});
