/**
 * --depth folds the text formats; --format json is the ModelReport of its schema and keeps
 * every layer. dnarch says so on stderr instead of ignoring the flag silently.
 */
import { describe, expect, it } from 'vitest';
import { dnarch, ok, TIMEOUT } from './run.js';

describe('summarize --depth with --format json', () => {
  it('prints every layer, as without --depth, and one note on stderr', { timeout: TIMEOUT }, () => {
    const r = dnarch(['summarize', 'resnet50', '--depth', '1', '--format', 'json']);
    expect(r.status).toBe(0);
    const lines = r.stderr.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dnarch: note: --depth does not fold --format json/);
    const plain = ok(['summarize', 'resnet50', '--format', 'json']);
    expect(r.stdout).toBe(plain);
    // Keras' ResNet50: 177 layers (len(model.layers)), 107 of them with weights (keras.io's Depth).
    expect(JSON.parse(r.stdout).layers).toHaveLength(177);
  });

  it('the folded formats say nothing on stderr', { timeout: TIMEOUT }, () => {
    for (const format of ['table', 'csv', 'markdown']) {
      expect(dnarch(['summarize', 'resnet50', '--depth', '1', '--format', format]).stderr).toBe('');
    }
  });
});
