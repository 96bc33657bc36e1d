import { describe, expect, it } from 'vitest';
import { parseOrtTrace } from '../../src/engines/ort-trace.js';

/** A trace as ONNX Runtime writes it (Chrome-trace events; sizes as decimal strings). */
const node = (name: string, ts: number, dur: number, op: string, sizes: [string, string, string] = ['0', '0', '0']) => ({
  cat: 'Node', pid: 1, tid: 1, ph: 'X', name: `${name}_kernel_time`, ts, dur,
  args: { op_name: op, parameter_size: sizes[0], activation_size: sizes[1], output_size: sizes[2], provider: 'CPUExecutionProvider' },
});
const run = (ts: number, dur: number) => ({ cat: 'Session', pid: 1, tid: 1, ph: 'X', name: 'model_run', ts, dur, args: {} });

describe("ONNX Runtime's trace", () => {
  it('splits kernels into runs by time, in execution order, with their sizes as numbers', () => {
    const events = [
      { cat: 'Session', name: 'session_initialization', ts: 0, dur: 50, ph: 'X', args: {} },
      run(100, 30),
      node('b', 112, 10, 'Relu'),
      node('a/Conv_nchwc', 101, 9, 'Conv', ['37888', '602112', '3211264']),
      run(200, 25),
      node('a/Conv_nchwc', 201, 8, 'Conv', ['37888', '602112', '3211264']),
      node('b', 210, 11, 'Relu'),
      // a fence event and a kernel outside any run are not kernels of a run
      { cat: 'Node', name: 'b_fence_before', ts: 205, dur: 0, ph: 'X', args: {} },
      node('late', 400, 5, 'Add'),
    ];
    const t = parseOrtTrace(JSON.stringify(events), 'p.json');
    expect(t.runUs).toEqual([30, 25]);
    expect(t.runs.map((r) => r.map((k) => k.node))).toEqual([['a/Conv_nchwc', 'b'], ['a/Conv_nchwc', 'b']]);
    expect(t.runs[0][0]).toEqual({ node: 'a/Conv_nchwc', op: 'Conv', order: 0, us: 9, paramBytes: 37888, inputBytes: 602112, outputBytes: 3211264 });
    expect(t.runs[1][1].us).toBe(11);
    expect(t.runs[1][1].order).toBe(1);
  });

  it('a file that is not a trace is an error naming it', () => {
    expect(() => parseOrtTrace('{"not": "a list"}', 'p.json')).toThrow(/p\.json/);
    expect(() => parseOrtTrace('[{', 'q.json')).toThrow(/q\.json is not JSON/);
  });
});
