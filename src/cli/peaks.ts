import { Option, type Command } from 'commander';
import { join } from 'node:path';
import { SCHEMA_VERSION } from '../analysis/types.js';
import { DnarchError } from '../errors.js';
import { checkOutDir, emit } from './output.js';
import { parsePositiveInt } from './parse.js';
import { showProgress, withStatus } from './terminal.js';

interface PeaksFlags {
  threads?: number;
  refresh?: boolean;
  format: 'table' | 'json';
  out?: string;
}

export function peaksCommand(program: Command): void {
  program
    .command('peaks')
    .description("this machine's compute peak (GFLOP/s) and memory bandwidth (GB/s), measured on onnxruntime and cached: the roofs of bench --profile")
    .option('--threads <n>', 'intra-op threads, as bench --threads (default: onnxruntime\'s own)', parsePositiveInt)
    .option('--refresh', 'measure again even when the cache has them')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json']).default('table'))
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .action(async (f: PeaksFlags) => {
      await checkOutDir(f.out);
      const { probeOnnxruntime } = await import('../engines/discovery.js');
      const ort = await probeOnnxruntime();
      if (!ort.available) throw new DnarchError('BAD_OPTION', `the peaks are measured on onnxruntime, which is not available: ${ort.reason ?? 'unknown reason'}`);
      const { cacheDir, getPeaks } = await import('../bench/peaks.js');
      const { ridge } = await import('../bench/roofline.js');
      const { sig3 } = await import('../report/units.js');
      const peaks = await withStatus(showProgress(f.format), "measuring this machine's peaks", () => getPeaks({ threads: f.threads, refresh: f.refresh }));
      const cacheFile = join(cacheDir(), 'peaks.json');
      const r = ridge(peaks);
      if (f.format === 'json') return emit(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, peaks, ridge: r, cacheFile }, null, 2)}\n`, f.out);
      const lines = [
        `${peaks.cpu}, ${peaks.cores} cores, onnxruntime ${peaks.version}, threads: ${peaks.threads ?? "onnxruntime's default"}`,
        `compute peak      ${sig3(peaks.gflops)} GFLOP/s  (best float32 MatMul / 3x3 Conv)`,
        `memory bandwidth  ${sig3(peaks.gbPerS)} GB/s  (a 1 GiB stream, beyond the caches)`,
        `ridge point       ${sig3(r)} FLOP/byte  (below it a layer is memory-bound on this machine)`,
        `${peaks.cached ? 'from the cache' : 'measured now, cached'} (${peaks.measuredAt}): ${cacheFile}${peaks.cached ? '; --refresh measures again' : ''}`,
      ];
      return emit(`${lines.join('\n')}\n`, f.out);
    });
}
