// Quality of dnarch's ONNX export: does it run as fast per MAC as torch's export of the same
// architecture, on the same runtime? In ONE process, on onnxruntime (CPU, default threads,
// all graph optimizations), batch 1:
//   dnarch's export of the Keras architecture (resnet50, mobilenetv2; seeded weights)
//   against torchvision's (resnet50, mobilenet_v2; torch.onnx, opset 17, random init),
// both files' MACs counted by dnarch's ONNX analysis of each file (the same counter for both).
// The two alternate round by round (A B A B ...), each round in a session of its own: two
// untimed runs, then --runs timed ones, so drift hits both alike. Verdict per model: dnarch's ms per GMAC over
// torch's, PASS at <= 1.03.
// The torchvision files come from scripts/export-torchvision.py (Debian's python3-torch):
//   /usr/bin/python3 scripts/export-torchvision.py --models resnet50,mobilenet_v2 --phases export
// which writes ../tv-onnx/<model>_op17.onnx beside the checkout (never committed).
// Usage: node scripts/bench-export.mjs [--rounds N] [--runs N] [--tv DIR] [--keep DIR]
// Needs `npm run build` first. Exit 0 when every target is met, 1 otherwise.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const int = (name, dflt) => {
  const v = opt(name) === undefined ? dflt : Number(opt(name));
  if (!Number.isInteger(v) || v < 1) {
    console.error(`bench-export: ${name} expects a positive integer`);
    process.exit(1);
  }
  return v;
};
const ROUNDS = int('--rounds', 12);
const RUNS = int('--runs', 10);
const TV = path.resolve(opt('--tv') ?? path.join(root, '..', 'tv-onnx'));
const KEEP = opt('--keep');
const TARGET = 1.03;
const PAIRS = [
  { dnarch: 'resnet50', torch: 'resnet50' },
  { dnarch: 'mobilenetv2', torch: 'mobilenet_v2' },
];

if (!existsSync(path.join(root, 'dist/engines/onnx/export.js'))) {
  console.error('bench-export: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
for (const p of PAIRS) {
  const f = path.join(TV, `${p.torch}_op17.onnx`);
  if (!existsSync(f)) {
    console.error(`bench-export: ${f} is missing; make it with: /usr/bin/python3 scripts/export-torchvision.py --models ${PAIRS.map((x) => x.torch).join(',')} --phases export`);
    process.exit(1);
  }
}

const dist = (p) => import(path.join(root, 'dist', p));
const { loadRunnableModel } = await dist('engines/runnable-model.js');
const { exportOnnx } = await dist('engines/onnx/export.js');
const { analyze } = await dist('api.js');
const { defaultFill } = await dist('engines/engine.js');
const ort = await import('onnxruntime-node');

const { sessionOptions } = await dist('engines/onnxruntime-engine.js');
// The options bench runs ORT with (default threads).
const options = sessionOptions();
const dir = KEEP ? path.resolve(KEEP) : mkdtempSync(path.join(tmpdir(), 'dnarch-bench-export-'));
mkdirSync(dir, { recursive: true });

/**
 * One export being timed. Each round opens its own session and closes it after: two live
 * sessions would each keep ORT's intra-op threads spinning after a run, and on 2 cores the
 * idle one's spinning halves the other's speed (seen: MobileNetV2 4 ms alone, 8 ms beside).
 */
async function contestant(label, file) {
  const macs = (await analyze(file)).totals.macs;
  const samples = [];
  let shape;
  return {
    label,
    macs,
    samples,
    get shape() {
      return shape;
    },
    async round() {
      const session = await ort.InferenceSession.create(file, options);
      try {
        shape = session.inputMetadata[0].shape.map((d) => (typeof d === 'number' ? d : 1));
        // The inputs bench feeds (deterministic values in [0, 1)).
        const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', defaultFill(0, shape), shape) };
        for (let i = 0; i < 2; i++) await session.run(feeds);
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          await session.run(feeds);
          samples.push(performance.now() - t0);
        }
      } finally {
        await session.release();
      }
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = [];
try {
  for (const p of PAIRS) {
    const rm = await loadRunnableModel(p.dnarch, { seed: 1 });
    const file = path.join(dir, `dnarch-${p.dnarch}.onnx`);
    try {
      writeFileSync(file, exportOnnx(rm.model));
    } finally {
      rm.dispose();
    }
    const a = await contestant(`dnarch ${p.dnarch}`, file);
    const b = await contestant(`torchvision ${p.torch}`, path.join(TV, `${p.torch}_op17.onnx`));
    for (let r = 0; r < ROUNDS; r++) {
      await a.round();
      await b.round();
    }
    const perMac = (c) => median(c.samples) / (c.macs / 1e9);
    rows.push({ model: p.dnarch, a, b, ratio: perMac(a) / perMac(b), perMac });
  }
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}

const fmt = (x, d = 3) => Number(x.toPrecision(d)).toString();
console.log(`onnxruntime ${ort.env.versions?.node ?? ''}, default threads, batch 1; ${ROUNDS} alternating rounds x ${RUNS} runs each`);
console.log(['model', 'export', 'input', 'GMACs', 'p50 ms', 'ms/GMAC', 'ratio', 'verdict'].join('\t'));
let failed = false;
for (const r of rows) {
  for (const c of [r.a, r.b]) {
    const mine = c === r.a;
    const verdict = mine ? (r.ratio <= TARGET ? 'PASS' : 'FAIL') : '';
    if (mine && r.ratio > TARGET) failed = true;
    console.log([r.model, c.label, c.shape.join('x'), fmt(c.macs / 1e9, 4), fmt(median(c.samples)), fmt(r.perMac(c)), mine ? fmt(r.ratio, 4) : "1", verdict].join('\t'));
  }
}
console.log(failed ? `FAIL: dnarch's export is slower per MAC than torch's by more than ${TARGET}x on some model` : `PASS: dnarch's export within ${TARGET}x of torch's per MAC on every model`);
process.exit(failed ? 1 : 0);
