import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
import { ZOO } from '../../src/zoo/registry.js';

// `dnarch list` shows cached figures so that it never loads TensorFlow; they must stay
// equal to what the analysis computes for the same default options.
describe.each(ZOO.map((e) => [e.name, e] as const))('registry figures of %s', (name, entry) => {
  it('equal the analysis at default options', async () => {
    const r = await analyze(name);
    expect(entry.figures).toEqual({ params: r.totals.params.total, macs: r.totals.macs });
  });
});
