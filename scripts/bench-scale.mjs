// Scaling benchmark: does dnarch stay fast and linear on 1000-layer networks?
// Usage (after `npm run build`): node --expose-gc scripts/bench-scale.mjs [--runs N] [--json]
// (`npm run bench:scale` passes --expose-gc; 7 runs unless --runs N)
//
// 1. Cold CLI: `node bin/dnarch.js summarize resnet1001 --format json`, one untimed
//    warm-up, then N timed fresh processes (median), and the peak RSS of one more run
//    (preloading scripts/rss-probe.mjs, as bench-startup.mjs does).
// 2. In process: build + analyse resnet110, resnet1202 and resnet1001 with the built
//    library's `analyze(name)`, N rounds interleaved (median), and divide by the layer
//    count. If the work per layer stays flat (largest / smallest within 2x), the cost of
//    a model grows linearly with its layers; a quadratic step would show up as a
//    per-layer time that grows with the model (resnet1202 has ~11x resnet110's layers).
//    The same work is also timed in the phases of analyze()'s path, to show whose cost
//    grows: tfjs creating, applying and finally disposing the layers; dnarch ordering
//    them and converting them to a LayerGraph (graphFromSymbolic: no tfl.model(), whose
//    constructor is quadratic); dnarch's analysis of that graph.
// PASS/FAIL and the exit status follow every figure printed: resnet1001 summarised cold in
// under 3 s, and the time per layer within 2x across the three models for analyze() and
// for each of its phases (a phase that is not linear fails the benchmark even when the
// total hides it). Exit 1 when any of them fails, or when a command fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jsonOnly = args.includes('--json');
const runsIdx = args.indexOf('--runs');
const runs = runsIdx >= 0 ? Number(args[runsIdx + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('bench-scale: --runs expects a positive integer');
  process.exit(1);
}
for (const f of ['dist/cli/main.js', 'dist/index.js', 'dist/graph/from-tfjs.js']) {
  if (!existsSync(path.join(root, f))) {
    console.error(`bench-scale: ${f} is missing; run \`npm run build\` first`);
    process.exit(1);
  }
}

const BIG = 'resnet1001';
const MODELS = ['resnet110', 'resnet1202', BIG];
const CLI_LIMIT_MS = 3000;
const LINEAR_LIMIT = 2;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- 1. Cold CLI --------------------------------------------------------------------

const node = process.execPath;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dnarch-bench-scale-'));
const rssFile = path.join(tmp, 'maxrss');
const cliArgv = ['bin/dnarch.js', 'summarize', BIG, '--format', 'json'];

function fail(message, detail = '') {
  console.error(`bench-scale: ${message}`);
  if (detail) console.error(detail);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}

// Wall time of a fresh process, spawn included: what a user waits for. A failing command
// aborts the benchmark so that an error path is never timed.
function run(argv, env = process.env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, argv, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || r.status !== 0) {
    const stderr = String(r.stderr ?? '').slice(-2000);
    const hint = /unknown model/i.test(stderr) ? `\n(${BIG} is not in the zoo registry yet: src/zoo/registry.ts)` : '';
    fail(`FAILED "node ${argv.join(' ')}" (exit ${r.status}, signal ${r.signal})${hint}`, r.error?.message ?? stderr);
  }
  return ms;
}

run(cliArgv); // warm-up: fills the OS file cache, and checks the command works
const cliMs = [];
for (let i = 0; i < runs; i++) cliMs.push(run(cliArgv));
rmSync(rssFile, { force: true });
run(['--import', './scripts/rss-probe.mjs', ...cliArgv], { ...process.env, DNARCH_RSS_FILE: rssFile });
if (!existsSync(rssFile)) fail('rss probe wrote nothing; was the exit handler skipped?');
const peakRssMB = Number(readFileSync(rssFile, 'utf8')) / 1024;
rmSync(tmp, { recursive: true, force: true });

// ---- 2. In process: time per layer ------------------------------------------------------

const lib = await import(pathToFileURL(path.join(root, 'dist/index.js')).href);
const since = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

// Not part of the public API (yet): the same module instance as the library's, since it
// is the same file URL.
const { graphFromSymbolic } = await import(pathToFileURL(path.join(root, 'dist/graph/from-tfjs.js')).href);
if (typeof graphFromSymbolic !== 'function') fail('dist/graph/from-tfjs.js has no graphFromSymbolic; run `npm run build`');

async function guarded(name, fn) {
  try {
    return await fn();
  } catch (e) {
    const hint = e?.code === 'UNKNOWN_MODEL' ? ` (${name} is not in the zoo registry yet: src/zoo/registry.ts)` : '';
    return fail(`analyzing "${name}" failed: ${e?.message ?? e}${hint}`);
  }
}

/**
 * A full garbage collection before each timed phase (node --expose-gc, as `npm run
 * bench:scale` starts it), so that a collection of what an earlier phase left does not land
 * in a later one: such pauses, not the work, made a small model's time per layer swing 4x.
 */
const collect = typeof globalThis.gc === 'function' ? () => globalThis.gc() : () => undefined;
if (typeof globalThis.gc !== 'function') console.error('bench-scale: run with node --expose-gc (npm run bench:scale does) for steadier figures');

/**
 * One round for one model: `analyze(name)` as a user calls it (the measured total), then
 * the same work in its phases: tfjs creating and applying the layers (`buildModel`, which
 * builds no LayersModel) plus disposing them at the end, dnarch ordering the layers into
 * a LayerGraph, and dnarch analysing the graph.
 */
async function measure(name) {
  collect();
  let t0 = process.hrtime.bigint();
  const report = await guarded(name, () => lib.analyze(name));
  const total = since(t0);
  collect();
  t0 = process.hrtime.bigint();
  const built = await guarded(name, () => lib.buildModel(name));
  const build = since(t0);
  collect();
  t0 = process.hrtime.bigint();
  const graph = graphFromSymbolic(built.inputs, built.outputs, built.name, built.blocks);
  const graphMs = since(t0);
  collect();
  t0 = process.hrtime.bigint();
  lib.analyzeGraph(graph);
  const analysis = since(t0);
  t0 = process.hrtime.bigint();
  built.dispose();
  const dispose = since(t0);
  return { layers: report.totals.layers, total, tfjsLayers: build + dispose, graph: graphMs, analysis };
}

// Warm-up: the first calls pay for tfjs' backend setup and V8's first compilation.
for (const m of MODELS) await measure(m);
const samples = Object.fromEntries(MODELS.map((m) => [m, []]));
for (let i = 0; i < runs; i++) {
  // Interleaved rounds, so that background noise falls on every model alike.
  for (const m of MODELS) samples[m].push(await measure(m));
}
const PHASES = ['total', 'tfjsLayers', 'graph', 'analysis'];
const PHASE_NAMES = { total: 'analyze()', tfjsLayers: 'tfjs layers', graph: 'dnarch graph', analysis: 'analysis' };
const perModel = MODELS.map((m) => {
  const layers = samples[m][0].layers;
  const ms = Object.fromEntries(PHASES.map((p) => [p, median(samples[m].map((s) => s[p]))]));
  const usPerLayer = Object.fromEntries(PHASES.map((p) => [p, (ms[p] * 1000) / layers]));
  return { model: m, layers, ms, usPerLayer };
});
// Largest over smallest time per layer, per phase: near 1 when cost is linear in layers.
const ratioOf = (phase) => {
  const xs = perModel.map((p) => p.usPerLayer[phase]);
  return Math.max(...xs) / Math.min(...xs);
};
const ratios = Object.fromEntries(PHASES.map((p) => [p, ratioOf(p)]));

// ---- Report ------------------------------------------------------------------------------

const cliMedian = median(cliMs);
const cliPass = cliMedian < CLI_LIMIT_MS;
const linear = Object.fromEntries(PHASES.map((p) => [p, ratios[p] < LINEAR_LIMIT]));
const pass = cliPass && PHASES.every((p) => linear[p]);
const round = (obj, digits = 1) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, +v.toFixed(digits)]));

const result = {
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  runs,
  cli: {
    command: `node ${cliArgv.join(' ')}`,
    medianMs: +cliMedian.toFixed(1),
    runsMs: cliMs.map((v) => +v.toFixed(1)),
    peakRssMB: +peakRssMB.toFixed(1),
    limitMs: CLI_LIMIT_MS,
    pass: cliPass,
  },
  inProcess: perModel.map((p) => ({ model: p.model, layers: p.layers, medianMs: round(p.ms), usPerLayer: round(p.usPerLayer) })),
  perLayerRatio: round(ratios, 2),
  linear,
  pass,
};

if (!jsonOnly) {
  const yes = (ok) => (ok ? 'linear' : 'NOT linear');
  console.log(`dnarch scaling benchmark — Node ${result.node}, ${result.cpu}, ${result.cores} cores, ${runs} timed runs`);
  console.log(`\n  ${result.cli.command}`);
  console.log(`    median ${cliMedian.toFixed(0)} ms (runs: ${cliMs.map((v) => v.toFixed(0)).join(', ')}), peak RSS ${peakRssMB.toFixed(1)} MB`);
  console.log('\n  in process, median ms and µs per layer; analyze(name) = tfjs layers + dnarch graph + analysis');
  console.log('    (tfjs layers: create, apply and dispose them; dnarch graph: order them as tfjs would, no tfl.model())');
  const head = PHASES.map((ph) => PHASE_NAMES[ph].padStart(16)).join(' ');
  console.log(`    ${'model'.padEnd(11)} ${'layers'.padStart(6)} ${head}`);
  const cell = (p, phase) => `${p.ms[phase].toFixed(0)} ms ${p.usPerLayer[phase].toFixed(1).padStart(6)}`.padStart(16);
  for (const p of perModel) {
    console.log(`    ${p.model.padEnd(11)} ${String(p.layers).padStart(6)} ${PHASES.map((ph) => cell(p, ph)).join(' ')}`);
  }
  console.log(`    ${'max/min per layer'.padEnd(18)} ${PHASES.map((ph) => `${ratios[ph].toFixed(2)}x`.padStart(16)).join(' ')}`);
  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
  console.log(`\n  ${verdict(cliPass)}  summarize ${BIG} cold, median ${cliMedian.toFixed(0)} ms (target: under ${CLI_LIMIT_MS} ms)`);
  for (const ph of PHASES) {
    console.log(
      `  ${verdict(linear[ph])}  ${PHASE_NAMES[ph]} cost ${yes(linear[ph])} in the layer count: per-layer time ${ratios[ph].toFixed(2)}x ` +
        `from ${MODELS.join(', ')} (target: within ${LINEAR_LIMIT}x)`,
    );
  }
  console.log(`\n  ${verdict(pass)}${pass ? '' : `: ${[cliPass ? '' : 'cold CLI too slow', ...PHASES.filter((ph) => !linear[ph]).map((ph) => `${PHASE_NAMES[ph]} not linear`)].filter(Boolean).join(', ')}`}`);
}
console.log(JSON.stringify(result));
process.exitCode = pass ? 0 : 1;
