/**
 * A child process that times one engine (bench.ts forks it, one per engine, when asked to
 * isolate them): its resident set is then that engine's alone, not what the engines timed
 * before it left in a shared process. It prints nothing; messages go over the IPC channel:
 * progress while it runs, then the report or the error.
 */
import { DnarchError } from '../errors.js';
import { benchModel, type BenchOptions } from './bench.js';
import type { BenchReport } from './types.js';

export interface ChildRequest {
  target: string;
  opts: BenchOptions;
}

export type ChildMessage =
  | { kind: 'progress'; done: number; total: number; label: string }
  | { kind: 'report'; report: BenchReport }
  | { kind: 'error'; code: string; message: string };

const send = (m: ChildMessage): Promise<void> => new Promise((resolve) => process.send!(m, () => resolve()));

process.once('message', (req: ChildRequest) => {
  void (async () => {
    try {
      const report = await benchModel(req.target, req.opts, {
        onProgress: (done, total, label) => void send({ kind: 'progress', done, total, label }),
        onStage: (label) => void send({ kind: 'progress', done: 1, total: 1, label }),
      });
      await send({ kind: 'report', report });
    } catch (e) {
      const code = e instanceof DnarchError ? e.code : 'INTERNAL';
      await send({ kind: 'error', code, message: String((e as Error)?.message ?? e) });
    }
    process.disconnect();
  })();
});
