import { createRequire } from 'node:module';

import type { EngineStatus } from '../schema/engines.js';

/** One engine as `dnarch engines` reports it; the shape is the published schema's (zod, type only). */
export type { EngineStatus };

const require = createRequire(import.meta.url);

/** The installed version of a package, or undefined when it is not installed. */
export function installedVersion(pkg: string, resolve: (id: string) => string = require.resolve): string | undefined {
  try {
    return (require(resolve(`${pkg}/package.json`)) as { version: string }).version;
  } catch {
    return undefined;
  }
}

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0];

export type Importer = (specifier: string) => Promise<unknown>;
const importModule: Importer = (s) => import(s);

/**
 * tfjs-node: an optionalDependency whose install downloads libtensorflow; where that
 * download is blocked npm leaves the package out. Present-or-absent is decided by
 * trying to load it, never assumed.
 */
export async function probeTfjsNode(
  version: string | undefined = installedVersion('@tensorflow/tfjs-node'),
  load: Importer = importModule,
): Promise<EngineStatus> {
  const base = { name: 'tfjs-node', description: 'native TensorFlow (libtensorflow) through @tensorflow/tfjs-node' };
  if (!version) {
    return {
      ...base,
      available: false,
      reason: 'not installed (optional dependency: its install downloads libtensorflow, which needs network access beyond the npm registry)',
    };
  }
  try {
    await load('@tensorflow/tfjs-node');
    return { ...base, available: true, version };
  } catch (e) {
    return { ...base, available: false, version, reason: `installed but failed to load: ${firstLine(e)}` };
  }
}

/** wasm: XNNPACK kernels compiled to WebAssembly; always installed, single-threaded under Node. */
export async function probeWasm(load: Importer = importModule): Promise<EngineStatus> {
  const base = { name: 'wasm', description: 'WebAssembly (XNNPACK, SIMD) through @tensorflow/tfjs-backend-wasm' };
  const version = installedVersion('@tensorflow/tfjs-backend-wasm');
  try {
    const tf = (await load('@tensorflow/tfjs-core')) as typeof import('@tensorflow/tfjs-core');
    await load('@tensorflow/tfjs-backend-wasm');
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    return { ...base, available: true, version, reason: 'single-threaded under Node' };
  } catch (e) {
    return { ...base, available: false, version, reason: firstLine(e) };
  }
}

/**
 * onnxruntime: native ONNX Runtime with the CPU binaries the npm package ships. Runs the
 * model exported to ONNX in memory. Loaded to be sure its native binding works here.
 */
export async function probeOnnxruntime(load: Importer = importModule): Promise<EngineStatus> {
  const base = { name: 'onnxruntime', description: 'native ONNX Runtime (CPU execution provider) through onnxruntime-node, on the model exported to ONNX' };
  const installed = installedVersion('onnxruntime-node');
  if (!installed) return { ...base, available: false, reason: 'not installed (onnxruntime-node)' };
  try {
    const ort = (await load('onnxruntime-node')) as { env?: { versions?: { node?: string } }; listSupportedBackends?: () => { name: string }[] };
    const backends = ort.listSupportedBackends?.() ?? [{ name: 'cpu' }];
    if (!backends.some((b) => b.name === 'cpu')) throw new Error('its native binding has no cpu backend');
    return { ...base, available: true, version: ort.env?.versions?.node ?? installed };
  } catch (e) {
    return { ...base, available: false, version: installed, reason: `installed but failed to load: ${firstLine(e)}` };
  }
}

/** cpu: tfjs' pure-JavaScript kernels; always there, slowest. */
export function probeCpu(): EngineStatus {
  return {
    name: 'cpu',
    description: 'pure JavaScript kernels of @tensorflow/tfjs-backend-cpu',
    available: true,
    version: installedVersion('@tensorflow/tfjs-backend-cpu'),
  };
}

/**
 * Every engine dnarch knows, fastest first as measured on a 2-core machine (ResNet50,
 * batch 1): onnxruntime ~18 ms, tfjs-node (not measured here: native TensorFlow, expected
 * between onnxruntime and wasm), wasm ~250 ms, cpu ~6 s.
 */
export async function discoverEngines(): Promise<EngineStatus[]> {
  return [await probeOnnxruntime(), await probeTfjsNode(), await probeWasm(), probeCpu()];
}
