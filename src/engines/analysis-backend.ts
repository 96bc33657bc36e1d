import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/**
 * Analysis never computes with tensors: it only needs layers to be built so that tfjs
 * infers shapes and weight counts. The pure-JS `cpu` backend is always installed and
 * keeps zero-initialised weights in untouched (lazily mapped) memory, so it is used for
 * analysis whatever other engines the machine has. Timed inference picks its own engine.
 */
export const ANALYSIS_BACKEND = 'cpu';

let ready: Promise<void> | undefined;

export function ensureAnalysisBackend(): Promise<void> {
  ready ??= (async () => {
    // PROD silences tfjs' console advice ("install tfjs-node ..."): core code never prints.
    tfc.env().set('PROD', true);
    await tfc.setBackend(ANALYSIS_BACKEND);
  })();
  return ready;
}
