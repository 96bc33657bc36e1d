/**
 * Turns an engine's failure at a batch size into one line a person can act on. The
 * failures seen in practice are memory: tfjs-backend-wasm's heap is a 32-bit WebAssembly
 * memory (at most 4 GiB), which aborts or throws a RangeError when a batch's activations do
 * not fit; ONNX Runtime reports allocation failures from its native allocator; V8 refuses
 * typed arrays past its limit with a RangeError.
 */
const MEMORY = /out of memory|\bOOM\b|cannot allocate|allocat|memory access out of bounds|Array buffer allocation failed|Invalid typed array length|Aborted\(|bad_alloc|grow memory|RangeError/i;

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0].trim();

export function explainFailure(engine: string, batch: number, e: unknown): string {
  const msg = firstLine(e);
  const isMemory = e instanceof RangeError || MEMORY.test(msg) || MEMORY.test(String((e as Error)?.name ?? ''));
  if (!isMemory) return `${engine} failed at batch ${batch}: ${msg}`;
  if (engine === 'wasm') {
    return `wasm ran out of memory at batch ${batch} (its WebAssembly heap is limited to 4 GiB): try --engine onnxruntime or a smaller --batch`;
  }
  const other = engine === 'onnxruntime' ? '' : ' or --engine onnxruntime';
  return `${engine} ran out of memory at batch ${batch} (${msg}): try a smaller --batch${other}`;
}
