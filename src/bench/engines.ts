import type { Engine, EngineName } from '../engines/engine.js';

/** The Engine class behind a name, imported when first used: a tfjs engine loads TensorFlow.js, onnxruntime does not. */
async function engineFor(name: EngineName): Promise<Engine> {
  if (name === 'onnxruntime') return new (await import('../engines/onnxruntime-engine.js')).OnnxruntimeEngine();
  const { TfjsEngine } = await import('../engines/tfjs-engine.js');
  // The three tfjs engines are one class with a backend name.
  return new TfjsEngine(name === 'tfjs-node' ? 'tensorflow' : name);
}

/** The Engine behind each name. */
export function createEngine(name: EngineName): Engine {
  return { name, load: async (model, opts) => (await engineFor(name)).load(model, opts) };
}

export const isTfjsEngine = (name: string): boolean => name === 'wasm' || name === 'cpu' || name === 'tfjs-node';
