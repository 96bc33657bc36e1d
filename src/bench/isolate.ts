import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DnarchError, type ErrorCode } from '../errors.js';
import type { EngineName } from '../engines/engine.js';
import type { BenchOptions } from './bench.js';
import type { ChildMessage, ChildRequest } from './engine-child.js';
import type { BenchReport } from './types.js';

const CHILD = fileURLToPath(new URL('./engine-child.js', import.meta.url));

/** At most this much of a child's stderr is kept, for the reason of a crash. */
const STDERR_KEEP = 4096;

/**
 * Times one engine in a child process of its own (engine-child.ts): the model is loaded
 * again there, so its resident set (results[].peakRssBytes) is this engine's with the model,
 * never another engine's leftovers. `onProgress` gets the child's progress, 0 to 1. A child
 * that dies (a native abort, out of memory) is a failure naming how it ended.
 */
export function benchInChild(engine: EngineName, target: string, opts: BenchOptions, onProgress: (done: number, label: string) => void): Promise<BenchReport> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < STDERR_KEEP) stderr += d.toString('utf8');
    });
    let settled = false;
    child.on('message', (m: ChildMessage) => {
      if (m.kind === 'progress') onProgress(m.total > 0 ? m.done / m.total : 0, m.label);
      else if (m.kind === 'report') {
        settled = true;
        resolve(m.report);
      } else {
        settled = true;
        reject(m.code === 'INTERNAL' ? new Error(m.message) : new DnarchError(m.code as ErrorCode, m.message));
      }
    });
    child.on('error', (e) => {
      if (!settled) reject(new DnarchError('BAD_OPTION', `${engine}: could not start its process: ${e.message}`));
      settled = true;
    });
    child.on('exit', (code, signal) => {
      if (settled) return;
      const last = stderr.trim().split('\n').filter(Boolean).pop();
      reject(new DnarchError('BAD_OPTION', `${engine}: its process ended (${signal ?? `exit ${code}`}) before reporting${last ? `: ${last.slice(0, 200)}` : ''}`));
    });
    const req: ChildRequest = { target, opts };
    child.send(req);
  });
}
