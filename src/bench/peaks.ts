/**
 * This machine's measured roofs (engines/ort-peaks.ts), kept in a per-user cache so a
 * profile measures them once: `$DNARCH_CACHE_DIR`, else `$XDG_CACHE_HOME/dnarch`, else
 * `~/.cache/dnarch`, file peaks.json, keyed by CPU model, core count, threads and ONNX
 * Runtime's version. A cache that cannot be read is measured over; one that cannot be
 * written costs a measurement next time, nothing else.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { cpus, homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { MeasuredPeaks, PeakOptions } from '../engines/ort-peaks.js';
import { PeaksSchema, type Peaks } from './types.js';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DNARCH_CACHE_DIR) return env.DNARCH_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dnarch');
}

const CacheSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), PeaksSchema.omit({ cached: true })) });

export interface Machine {
  cpu: string;
  cores: number;
}

export const thisMachine = (): Machine => {
  const list = cpus();
  return { cpu: list[0]?.model.trim() || 'unknown CPU', cores: list.length };
};

export const cacheKey = (m: Machine, threads: number | undefined, version: string): string =>
  `${m.cpu} | ${m.cores} cores | threads ${threads ?? 'default'} | onnxruntime ${version}`;

async function readCache(file: string): Promise<Map<string, Omit<Peaks, 'cached'>>> {
  try {
    const parsed = CacheSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? new Map(Object.entries(parsed.data.entries)) : new Map();
  } catch {
    return new Map();
  }
}

export interface PeaksRequest {
  threads?: number;
  /** Measure even when the cache has them (and replace them). */
  refresh?: boolean;
  dir?: string;
  machine?: Machine;
  /** Injected in tests; default: measure on onnxruntime. */
  measure?: (opts: PeakOptions) => Promise<MeasuredPeaks>;
  version?: string;
}

async function measureOnOrt(opts: PeakOptions): Promise<MeasuredPeaks> {
  const { importOrt } = await import('../engines/onnxruntime-engine.js');
  const ort = await importOrt();
  const { measurePeaks } = await import('../engines/ort-peaks.js');
  return measurePeaks(ort, opts);
}

async function installedVersion(): Promise<string> {
  const { importOrt, ortVersion } = await import('../engines/onnxruntime-engine.js');
  return ortVersion(await importOrt());
}

/** The peaks for these threads: from the cache, else measured (and cached). */
export async function getPeaks(req: PeaksRequest = {}): Promise<Peaks> {
  const dir = req.dir ?? cacheDir();
  const file = join(dir, 'peaks.json');
  const machine = req.machine ?? thisMachine();
  const version = req.version ?? (await installedVersion());
  const key = cacheKey(machine, req.threads, version);
  const entries = await readCache(file);
  const hit = entries.get(key);
  if (hit && !req.refresh) return { ...hit, cached: true };
  const m = await (req.measure ?? measureOnOrt)({ threads: req.threads });
  const peaks: Omit<Peaks, 'cached'> = {
    gflops: m.gflops,
    gbPerS: m.gbPerS,
    engine: 'onnxruntime',
    version: m.version,
    threads: req.threads ?? null,
    cpu: machine.cpu,
    cores: machine.cores,
    measuredAt: new Date().toISOString(),
  };
  entries.set(key, peaks);
  try {
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ version: 1, entries: Object.fromEntries(entries) }, null, 2)}\n`);
    await rename(tmp, file);
  } catch {
    // A cache that cannot be written costs a measurement next time, nothing else.
  }
  return { ...peaks, cached: false };
}
