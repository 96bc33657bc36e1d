/**
 * ONNX Runtime's profile (SessionOptions.enableProfiling): a Chrome-trace JSON array of
 * events. Per run one Session event `model_run`; per node ORT ran, one Node event
 * `<node name>_kernel_time` with its op, duration (µs) and the bytes it read and wrote
 * (`parameter_size`: initializers, `activation_size`: other inputs, `output_size`).
 * The node names are those of the graph ORT ran, after its own fusions: a fused node is
 * named after one of the nodes it replaced, with a suffix (`..._nchwc`), and nodes ORT
 * inserted have names of their own (`ReorderOutput_token_12`).
 */
import { z } from 'zod';

const Int = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number);

const EventSchema = z.object({
  cat: z.string().optional(),
  name: z.string(),
  ts: z.number(),
  dur: z.number().nonnegative(),
  args: z
    .object({
      op_name: z.string().optional(),
      parameter_size: Int.optional(),
      activation_size: Int.optional(),
      output_size: Int.optional(),
    })
    .partial()
    .optional(),
});

/** One kernel ORT ran, in one run. */
export interface KernelEvent {
  /** The node's name in ORT's optimized graph (the event name without `_kernel_time`). */
  node: string;
  op: string;
  /** Position in the run: the order ORT executed its nodes. */
  order: number;
  us: number;
  /** Initializer bytes read (weights). */
  paramBytes: number;
  /** Non-initializer input bytes read (activations). */
  inputBytes: number;
  outputBytes: number;
}

export interface OrtTrace {
  /** Wall time of each run (`model_run`), µs. */
  runUs: number[];
  /** The kernels of each run, in execution order. */
  runs: KernelEvent[][];
}

const SUFFIX = '_kernel_time';

/** Reads a profile's text; one that is not such a trace is ORT's fault or ours: a plain Error (a bug, exit 3). */
export function parseOrtTrace(text: string, file: string): OrtTrace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`ONNX Runtime's profile ${file} is not JSON`);
  }
  if (!Array.isArray(raw)) throw new Error(`ONNX Runtime's profile ${file} is not a list of trace events`);
  const events = raw.map((e) => EventSchema.safeParse(e)).flatMap((r) => (r.success ? [r.data] : []));
  const spans = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .map((e) => ({ start: e.ts, end: e.ts + e.dur, us: e.dur }))
    .sort((a, b) => a.start - b.start);
  const runs: KernelEvent[][] = spans.map(() => []);
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith(SUFFIX)).sort((a, b) => a.ts - b.ts);
  for (const e of kernels) {
    const run = spans.findIndex((s) => e.ts >= s.start && e.ts <= s.end);
    if (run < 0) continue;
    const list = runs[run];
    list.push({
      node: e.name.slice(0, -SUFFIX.length),
      op: e.args?.op_name ?? '?',
      order: list.length,
      us: e.dur,
      paramBytes: e.args?.parameter_size ?? 0,
      inputBytes: e.args?.activation_size ?? 0,
      outputBytes: e.args?.output_size ?? 0,
    });
  }
  return { runUs: spans.map((s) => s.us), runs };
}
