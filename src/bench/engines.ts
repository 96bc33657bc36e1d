import { discoverEngines, type EngineStatus } from '../engines/discovery.js';
import type { Engine, EngineName } from '../engines/engine.js';
import { OnnxruntimeEngine } from '../engines/onnxruntime-engine.js';
import { TfjsEngine } from '../engines/tfjs-engine.js';

/** The Engine behind each name: the three tfjs ones are one class with a backend name. */
export function createEngine(name: EngineName): Engine {
  switch (name) {
    case 'onnxruntime':
      return new OnnxruntimeEngine();
    case 'tfjs-node':
      return new TfjsEngine('tensorflow');
    case 'wasm':
      return new TfjsEngine('wasm');
    case 'cpu':
      return new TfjsEngine('cpu');
  }
}

export const probeEngines = (): Promise<EngineStatus[]> => discoverEngines();

export const isTfjsEngine = (name: string): boolean => name === 'wasm' || name === 'cpu' || name === 'tfjs-node';
