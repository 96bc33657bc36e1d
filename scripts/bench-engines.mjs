// Overhead of dnarch's engine layer: in ONE process, for resnet50 and mobilenet at batch 1
// and 8, dnarch's engine sessions + timing loop against the same work done directly:
//   - onnxruntime engine  vs  a plain InferenceSession on the same exported ONNX bytes;
//   - wasm engine         vs  tfjs model.predict() + await data() on the wasm backend.
// Contestants alternate round by round (A B A B ...) so drift (other load, thermal) hits
// both alike; each round starts with one untimed run for each. Reports medians and the
// ratio dnarch / direct; PASS when within 1.05x. cpu (~6 s per ResNet50 image) runs at
// batch 1 only, 2 runs, for the record, with no target. Needs `npm run build` first.
// Usage: node scripts/bench-engines.mjs [--rounds N] [--runs N] [--json]
// Exit 0 when every target is met, 1 otherwise.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'dist/bench/bench.js'))) {
  console.error('bench-engines: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) {
    console.error(`bench-engines: ${name} expects a positive integer`);
    process.exit(1);
  }
  return v;
};
const ROUNDS = flag("--rounds", 10);
const RUNS = flag("--runs", 2); // timed runs per contestant per round
const jsonOnly = args.includes('--json');
const TARGET = 1.05;

const dist = (p) => import(path.join(root, 'dist', p));
const { loadRunnableModel } = await dist('engines/runnable-model.js');
const { exportOnnx } = await dist('engines/onnx/export.js');
const { createEngine } = await dist('bench/engines.js');
const { defaultFill, inputSpecs } = await dist('engines/engine.js');
const { discoverEngines } = await dist('engines/discovery.js');
const { timeRuns } = await dist('bench/timing-loop.js');
const { summarize } = await dist('bench/stats.js');
const ort = await import('onnxruntime-node');
const tf = await import('@tensorflow/tfjs-core');

const now = () => performance.now();
const log = (s) => {
  if (!jsonOnly) process.stderr.write(`${s}\n`);
};

/** A contestant: `round()` makes one untimed run, then RUNS timed ones, and returns their ms. */
function dnarchContestant(prepared) {
  return async () => (await timeRuns(() => prepared.run(), { warmup: 1, runs: RUNS, clock: now })).samples;
}
function plainContestant(runOnce) {
  return async () => {
    await runOnce();
    const out = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = now();
      await runOnce();
      out.push(now() - t0);
    }
    return out;
  };
}

async function duel(a, b) {
  const sa = [];
  const sb = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate who goes first, so neither always runs on a cache the other warmed.
    if (r % 2 === 0) {
      sa.push(...(await a()));
      sb.push(...(await b()));
    } else {
      sb.push(...(await b()));
      sa.push(...(await a()));
    }
  }
  return [summarize(sa).p50, summarize(sb).p50, sa.length];
}

const statuses = await discoverEngines();
const rows = [];
for (const name of ['resnet50', 'mobilenet']) {
  const rm = await loadRunnableModel(name);
  const specs = inputSpecs(rm);
  const bytes = exportOnnx(rm.model);
  for (const batch of [1, 8]) {
    const shape = [batch, ...specs[0].shape];
    const data = defaultFill(0, shape);

    // onnxruntime: dnarch engine vs a plain session on the same bytes, same options.
    if (statuses.find((s) => s.name === 'onnxruntime')?.available) {
      log(`${name} batch ${batch}: onnxruntime`);
      const session = await createEngine('onnxruntime').load(rm);
      const prepared = await session.prepare(batch);
      const direct = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
      const feeds = { [direct.inputNames[0]]: new ort.Tensor('float32', data, shape) };
      const [d, p, n] = await duel(dnarchContestant(prepared), plainContestant(() => direct.run(feeds)));
      rows.push({ model: name, batch, engine: 'onnxruntime', direct: 'InferenceSession.run', runs: n, dnarchMs: d, directMs: p, ratio: d / p, pass: d / p <= TARGET });
      prepared.dispose();
      await session.dispose();
      await direct.release();
    }

    // wasm: dnarch engine vs model.predict + await data() on the same backend and weights.
    log(`${name} batch ${batch}: wasm`);
    const session = await createEngine('wasm').load(rm);
    const prepared = await session.prepare(batch);
    const x = tf.tensor(data, shape, 'float32');
    // predict() splits batches above 32; at 1 and 8 this is one batch, like the engine's.
    const predict = async () => {
      const y = rm.model.predict(x);
      await y.data();
      y.dispose();
    };
    const [d, p, n] = await duel(dnarchContestant(prepared), plainContestant(predict));
    rows.push({ model: name, batch, engine: 'wasm', direct: 'tfjs predict + data()', runs: n, dnarchMs: d, directMs: p, ratio: d / p, pass: d / p <= TARGET });
    x.dispose();
    prepared.dispose();
    await session.dispose();

    // cpu: for the record only (no target), batch 1, two runs.
    if (batch === 1) {
      log(`${name} batch 1: cpu`);
      const s = await createEngine('cpu').load(rm);
      const pr = await s.prepare(1);
      const t = await timeRuns(() => pr.run(), { warmup: 1, runs: 2, clock: now });
      rows.push({ model: name, batch, engine: 'cpu', direct: '-', runs: 2, dnarchMs: summarize(t.samples).p50, directMs: null, ratio: null, pass: null });
      pr.dispose();
      await s.dispose();
    }
  }
  rm.dispose();
}
for (const s of statuses.filter((e) => !e.available)) rows.push({ model: '-', batch: null, engine: s.name, unavailable: s.reason });

if (jsonOnly) {
  console.log(JSON.stringify({ rounds: ROUNDS, runsPerRound: RUNS, target: TARGET, rows }, null, 2));
} else {
  const f = (v) => (v == null ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
  console.log(`Engine overhead: dnarch vs direct, medians over ${ROUNDS} alternating rounds x ${RUNS} runs (ms per batch); target dnarch/direct <= ${TARGET}`);
  console.log(['model', 'batch', 'engine', 'runs', 'dnarch ms', 'direct ms', 'ratio', 'result'].map((h) => h.padEnd(11)).join(' '));
  for (const r of rows) {
    if (r.unavailable) {
      console.log(`${r.engine}: unavailable: ${r.unavailable}`);
      continue;
    }
    const result = r.pass === null ? 'no target' : r.pass ? 'PASS' : 'FAIL';
    console.log([r.model, r.batch, r.engine, r.runs, f(r.dnarchMs), f(r.directMs), r.ratio == null ? '-' : r.ratio.toFixed(3), result].map((v) => String(v).padEnd(11)).join(' '));
  }
}
process.exit(rows.every((r) => r.pass !== false) ? 0 : 1);
