/**
 * Counts beyond 2^53 are still counts: a 1000x1000 kernel over a 10000x10000x100 input has
 * 10000 * 10000 * (1000 * 1000 * 100) = 1e16 MACs, beyond Number.MAX_SAFE_INTEGER, and its
 * output alone holds 4e8 bytes. The JSON summarize prints must validate against the
 * PUBLISHED schema (ajv), as every other report does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelReportSchema } from '../../src/analysis/report-schema.js';
import { okJson, TIMEOUT } from '../cli/run.js';
import { schemaErrors } from './validate.js';

const dir = mkdtempSync(join(tmpdir(), 'dnarch-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'huge.json');
writeFileSync(
  file,
  JSON.stringify({
    class_name: 'Sequential',
    config: {
      name: 'huge',
      layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 10000, 10000, 100], dtype: 'float32', name: 'in' } },
        { class_name: 'Conv2D', config: { name: 'c', filters: 1, kernel_size: [1000, 1000], strides: [1, 1], padding: 'same', use_bias: true, activation: 'linear' } },
      ],
    },
  }),
);

describe('counts beyond 2^53 in summarize --format json', () => {
  it('validate against schema/summarize.schema.json and the zod schema', { timeout: TIMEOUT }, () => {
    const doc = okJson(['summarize', file]);
    const conv = doc.layers.find((l: { name: string }) => l.name === 'c');
    expect(conv.activationBytes).toBe(10000 * 10000 * 1 * 4);
    expect(conv.macs).toBe(1e16);
    expect(conv.macs).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    // 2 x MACs + one bias add per output element; exact as a double (a multiple of 4 at 2e16).
    expect(conv.flops).toBe(2e16 + 1e8);
    expect(schemaErrors('summarize', doc)).toBeNull();
    expect(ModelReportSchema.safeParse(doc).success).toBe(true);
  });

  it('a fractional or negative count still fails the published schema', () => {
    const doc = okJson(['summarize', file]);
    doc.layers[1].macs = 1.5;
    expect(schemaErrors('summarize', doc)).toMatch(/macs/);
    doc.layers[1].macs = -1;
    expect(schemaErrors('summarize', doc)).toMatch(/macs/);
  });
});
