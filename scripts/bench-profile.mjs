// How far to trust `dnarch bench --engine onnxruntime --profile`: for resnet50, mobilenet and
// inceptionv3 (seeded weights, batch 1, default threads), in one process:
//   coverage   share of ORT's profiled kernel time mapped to layers          target >= 0.95
//   sum / p50  sum of the per-layer medians over the unprofiled timed p50    target within 15%
// and, for the record, the profiled runs' slowdown, this machine's peaks (measured afresh
// here, then cached as `dnarch peaks` keeps them), the model's share of the compute peak and
// the five slowest rows with their roofline columns.
// Usage: node scripts/bench-profile.mjs [--models a,b] [--runs N]
// Needs `npm run build` first. Exit 0 when every target is met, 1 otherwise.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'dist/bench/bench.js'))) {
  console.error('bench-profile: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const MODELS = (opt('--models') ?? 'resnet50,mobilenet,inceptionv3').split(',');
const RUNS = Number(opt('--runs') ?? 20);
if (!Number.isInteger(RUNS) || RUNS < 3) {
  console.error('bench-profile: --runs expects an integer >= 3');
  process.exit(1);
}
const COVERAGE = 0.95;
const SUM_TOLERANCE = 0.15;

const dist = (p) => import(path.join(root, 'dist', p));
const { benchModel } = await dist('bench/bench.js');
const { getPeaks, cacheDir } = await dist('bench/peaks.js');
const { ridge } = await dist('bench/roofline.js');

const n3 = (x) => (x === null || x === undefined ? '-' : Number(x.toPrecision(3)).toString());
const pct = (x) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);

const peaks = await getPeaks({ refresh: true });
console.log(`peaks (measured now, cached in ${cacheDir()}): ${n3(peaks.gflops)} GFLOP/s, ${n3(peaks.gbPerS)} GB/s, ridge ${n3(ridge(peaks))} FLOP/byte; ${peaks.cpu}, ${peaks.cores} cores, onnxruntime ${peaks.version}`);

let failed = false;
const summary = [];
for (const name of MODELS) {
  const r = await benchModel(name, { engines: ['onnxruntime'], runs: RUNS, profile: 5 });
  const p = r.profile;
  const timed = r.results.find((x) => x.status === 'ok');
  const sumRatio = p.totalMs / timed.latencyMs.p50;
  const okCoverage = p.coverage >= COVERAGE;
  const okSum = Math.abs(sumRatio - 1) <= SUM_TOLERANCE;
  if (!okCoverage || !okSum) failed = true;
  summary.push([name, n3(timed.latencyMs.p50), n3(p.totalMs), n3(sumRatio), okSum ? 'PASS' : 'FAIL', pct(p.coverage), okCoverage ? 'PASS' : 'FAIL', n3(p.slowdown), n3(p.model.gflops), pct(p.model.ofPeak)]);
  console.log(`\n${name}: ${p.layers.length} rows, ${p.unattributed.layers} layer(s) without a kernel (${p.unattributed.names.join(', ') || 'none'})`);
  console.log(['layer', 'fused', 'class', 'ms', 'share', 'MACs', 'GFLOP/s', 'of peak', 'bytes', 'FLOP/B', 'bound'].join('\t'));
  for (const l of p.layers.slice(0, 5)) {
    console.log([l.name, l.layers.length - 1, l.className, n3(l.ms), pct(l.share), l.macs, n3(l.gflops), pct(l.ofPeak), l.bytes, n3(l.intensity), l.bound].join('\t'));
  }
}
console.log('\n' + ['model', 'p50 ms', 'sum ms', 'sum/p50', `within ${SUM_TOLERANCE * 100}%`, 'coverage', `>= ${COVERAGE}`, 'slowdown', 'GFLOP/s', 'of peak'].join('\t'));
for (const row of summary) console.log(row.join('\t'));
console.log(failed ? 'FAIL: some target is not met' : 'PASS: every target is met');
process.exit(failed ? 1 : 0);
