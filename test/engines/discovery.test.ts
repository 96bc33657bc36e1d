import { describe, expect, it } from 'vitest';
import { discoverEngines, installedVersion, probeCpu, probeOnnxruntime, probeTfjsNode, probeWasm } from '../../src/engines/discovery.js';

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

describe('onnxruntime discovery', () => {
  it('is available with the version its native binding reports', async () => {
    const s = await probeOnnxruntime(async () => ({ env: { versions: { node: '9.9.9' } }, listSupportedBackends: () => [{ name: 'cpu' }] }));
    expect(s).toMatchObject({ name: 'onnxruntime', available: true, version: '9.9.9' });
  });

  it('is unavailable, with the first line of the loader error, when the binding fails to load', async () => {
    const s = await probeOnnxruntime(() => Promise.reject(new Error('onnxruntime_binding.node: invalid ELF header\n  at ...')));
    expect(s.available).toBe(false);
    expect(s.reason).toBe('installed but failed to load: onnxruntime_binding.node: invalid ELF header');
  });

  it('is unavailable when the binding has no cpu backend', async () => {
    const s = await probeOnnxruntime(async () => ({ listSupportedBackends: () => [{ name: 'cuda' }] }));
    expect(s.available).toBe(false);
    expect(s.reason).toMatch(/no cpu backend/);
  });

  it('loads for real here (the npm package ships CPU binaries)', async () => {
    const s = await probeOnnxruntime();
    expect(s.available).toBe(true);
    expect(s.version).toBe(installedVersion('onnxruntime-node'));
  });
});

describe('engine list', () => {
  it('names every engine, fastest first', async () => {
    expect((await discoverEngines()).map((e) => e.name)).toEqual(['onnxruntime', 'tfjs-node', 'wasm', 'cpu']);
  });
});
