// Reading a large ONNX file: `dnarch summarize F --format json` against Python's own
// `python3 -c "import onnx; onnx.load(F)"` on the same file, in one run, interleaved.
// Targets (the ONNX issue): dnarch's wall time <= 1.0x and its peak RSS <= 0.8x Python's.
//
// Usage: node scripts/bench-onnx.mjs [--file F] [--runs N] [--python PY] [--json]
// F defaults to ../tv-onnx/resnet152_op13.onnx beside the checkout (torchvision's ResNet-152
// at opset 13, ~240 MB); when it is missing, the script says how to make it with
// scripts/export-torchvision.py (Debian's python3-torch, python3-torchvision, python3-onnx).
// Exit 0 when both targets are met, 1 when one is missed, 2 when it cannot measure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const file = path.resolve(opt('--file', path.join(root, '..', 'tv-onnx', 'resnet152_op13.onnx')));
const runs = Number(opt('--runs', 7));
const jsonOnly = args.includes('--json');
const fail = (msg) => {
  console.error(`bench-onnx: ${msg}`);
  process.exit(2);
};
if (!Number.isInteger(runs) || runs < 1) fail('--runs expects a positive integer');
if (!existsSync(path.join(root, 'dist/cli/main.js'))) fail('dist/ is missing; run `npm run build` first');
if (!existsSync(file)) {
  fail(
    `${file} is missing. Make it (Debian: apt install python3-torch python3-torchvision python3-onnx) with\n` +
      `  /usr/bin/python3 scripts/export-torchvision.py --models resnet152 --opsets 13 --phases export`,
  );
}

/** A Python that has the onnx package: --python, then python3 on PATH, then Debian's. */
function findPython() {
  for (const py of [opt('--python'), 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const r = spawnSync(py, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { py, version: r.stdout.trim() };
  }
  return fail('no python3 with the onnx package (Debian: apt install python3-onnx, or pass --python)');
}
const { py, version: onnxVersion } = findPython();

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dnarch-bench-onnx-'));
const rssFile = path.join(tmp, 'maxrss');
const node = process.execPath;

const commands = {
  dnarch: { cmd: node, argv: ['bin/dnarch.js', 'summarize', file, '--format', 'json'] },
  python: { cmd: py, argv: ['-c', `import onnx; onnx.load(${JSON.stringify(file)})`] },
};
// Peak RSS in separate runs, each process reporting its own getrusage maxrss (KiB): the probes stay out of the timed runs.
const probes = {
  dnarch: { cmd: node, argv: ['--import', './scripts/rss-probe.mjs', ...commands.dnarch.argv], env: { ...process.env, DNARCH_RSS_FILE: rssFile } },
  python: {
    cmd: py,
    argv: ['-c', `import onnx, resource; onnx.load(${JSON.stringify(file)}); open(${JSON.stringify(rssFile)}, "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))`],
  },
};

function run(label, { cmd, argv, env }) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: root, env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    fail(`"${label}" failed (exit ${r.status}): ${String(r.stderr ?? r.error?.message ?? '').slice(-500)}`);
  }
  return ms;
}

function rss(label, probe) {
  rmSync(rssFile, { force: true });
  run(`${label} (rss)`, probe);
  if (!existsSync(rssFile)) fail(`the ${label} rss probe wrote nothing`);
  return Number(readFileSync(rssFile, 'utf8'));
}

// Warm-up: both read the file once, so both find it in the page cache.
for (const [k, c] of Object.entries(commands)) run(k, c);

const times = { dnarch: [], python: [] };
const peaks = { dnarch: [], python: [] };
for (let i = 0; i < runs; i++) {
  // Alternate which goes first, so drift and background load hit both alike.
  const order = i % 2 ? ['python', 'dnarch'] : ['dnarch', 'python'];
  for (const k of order) times[k].push(run(k, commands[k]));
  for (const k of order) peaks[k].push(rss(k, probes[k]));
}
rmSync(tmp, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const wall = { dnarch: median(times.dnarch), python: median(times.python) };
const peak = { dnarch: median(peaks.dnarch), python: median(peaks.python) };
const checks = [
  { name: 'wall time, dnarch / python', value: wall.dnarch / wall.python, limit: 1.0 },
  { name: 'peak RSS, dnarch / python', value: peak.dnarch / peak.python, limit: 0.8 },
].map((c) => ({ ...c, pass: c.value <= c.limit }));
const pass = checks.every((c) => c.pass);

const result = {
  file,
  bytes: statSync(file).size,
  node: process.version,
  python: py,
  onnx: onnxVersion,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  runs,
  medianMs: { dnarch: +wall.dnarch.toFixed(1), python: +wall.python.toFixed(1) },
  medianPeakRssKiB: peak,
  checks: checks.map((c) => ({ ...c, value: +c.value.toFixed(3) })),
  pass,
};

if (!jsonOnly) {
  const mb = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
  console.log(`ONNX read benchmark — ${path.basename(file)} (${(result.bytes / 2 ** 20).toFixed(1)} MiB), Node ${result.node}, onnx ${onnxVersion}, ${result.cpu}, ${result.cores} cores`);
  console.log(`${runs} rounds, each command timed then probed for peak RSS, order alternating, after one warm-up run each\n`);
  console.log(`  dnarch summarize --format json   ${wall.dnarch.toFixed(1).padStart(8)} ms   peak RSS ${mb(peak.dnarch).padStart(10)}`);
  console.log(`  python3 -c "onnx.load(F)"        ${wall.python.toFixed(1).padStart(8)} ms   peak RSS ${mb(peak.python).padStart(10)}\n`);
  for (const c of checks) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name.padEnd(28)} ${c.value.toFixed(3).padStart(6)}x  (target: at most ${c.limit}x)`);
  console.log(`\n${pass ? 'Both targets met.' : 'A target was missed.'}`);
}
console.log(JSON.stringify(result));
process.exitCode = pass ? 0 : 1;
