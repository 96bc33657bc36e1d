import { describe, expect, it } from 'vitest';
import { installedVersion, probeCpu, probeTfjsNode, probeWasm } from '../../src/engines/discovery.js';

// tfjs-node cannot be installed on our machines: its glue is tested with injected
// versions and importers, never with the native binary.
describe('tfjs-node discovery', () => {
  it('is unavailable, with the reason, when the package is not installed', async () => {
    const s = await probeTfjsNode(undefined, () => Promise.reject(new Error('must not be called')));
    expect(s.available).toBe(false);
    expect(s.reason).toMatch(/^not installed/);
  });

  it('is available when installed and its native binding loads', async () => {
    const loaded: string[] = [];
    const s = await probeTfjsNode('4.22.0', async (m) => loaded.push(m));
    expect(s).toMatchObject({ name: 'tfjs-node', available: true, version: '4.22.0' });
    expect(loaded).toEqual(['@tensorflow/tfjs-node']);
  });

  it('is unavailable, with the first line of the loader error, when installed but broken', async () => {
    const s = await probeTfjsNode('4.22.0', () => Promise.reject(new Error('libtensorflow.so.2: cannot open shared object file\n  at ...')));
    expect(s.available).toBe(false);
    expect(s.reason).toBe('installed but failed to load: libtensorflow.so.2: cannot open shared object file');
  });
});

describe('always-installed engines', () => {
  it('cpu is available with its version', () => {
    expect(probeCpu()).toMatchObject({ name: 'cpu', available: true, version: installedVersion('@tensorflow/tfjs-backend-cpu') });
  });

  it('wasm initialises from the installed package', async () => {
    const s = await probeWasm();
    expect(s.available).toBe(true);
    expect(s.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reports a package that is not installed as undefined', () => {
    expect(installedVersion('@tensorflow/not-a-package')).toBeUndefined();
  });
});
