// Cold-start benchmark for the dnarch CLI: each measurement is a fresh `node` process.
// Usage: node scripts/bench-startup.mjs [--runs N] [--json]
// Exit 0 when all targets are met, 1 otherwise (or when any child command fails).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jsonOnly = args.includes('--json');
const runsIdx = args.indexOf('--runs');
const runs = runsIdx >= 0 ? Number(args[runsIdx + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('bench-startup: --runs expects a positive integer');
  process.exit(1);
}
if (!existsSync(path.join(root, 'dist/cli/main.js'))) {
  console.error('bench-startup: dist/ is missing; run `npm run build` first');
  process.exit(1);
}

const node = process.execPath; // same Node for every command, whatever is on PATH
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dnarch-bench-'));
const rssFile = path.join(tmp, 'maxrss');

// Run one command as a fresh process; wall time includes process spawn, which is
// exactly what a user waits for. A non-zero exit aborts the whole benchmark so we
// never report the timing of an error path.
function run(label, argv, env = process.env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, argv, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || r.status !== 0) {
    console.error(`bench-startup: FAILED "${label}" (exit ${r.status}, signal ${r.signal})`);
    if (r.error) console.error(r.error.message);
    console.error(String(r.stderr ?? '').slice(-2000));
    rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  }
  return ms;
}

const cmds = {
  summarize: ['bin/dnarch.js', 'summarize', 'vgg16', '--format', 'json'],
  bareTfjs: ['--input-type=module', '-e', "await import('@tensorflow/tfjs')"],
  help: ['bin/dnarch.js', '--help'],
  bareNode: ['-e', '0'],
};
// Peak-RSS run: separate from the timed runs so the preload doesn't skew timings.
const rssArgv = ['--import', './scripts/rss-probe.mjs', ...cmds.summarize];
const rssEnv = { ...process.env, DNARCH_RSS_FILE: rssFile };

// Warm-up: one untimed run of each command fills the OS file cache (and checks
// that every command succeeds before we spend time measuring).
for (const [name, argv] of Object.entries(cmds)) run(name, argv);

// Interleave all commands within each round so that background noise (other
// processes on this 2-core box, thermal drift) hits dnarch and baseline alike.
const times = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
const rssKiB = [];
for (let i = 0; i < runs; i++) {
  for (const [name, argv] of Object.entries(cmds)) times[name].push(run(name, argv));
  rmSync(rssFile, { force: true });
  run('summarize (rss probe)', rssArgv, rssEnv);
  if (!existsSync(rssFile)) {
    console.error('bench-startup: rss probe wrote nothing; was the exit handler skipped?');
    process.exit(1);
  }
  rssKiB.push(Number(readFileSync(rssFile, 'utf8')));
}
rmSync(tmp, { recursive: true, force: true });

// Median rather than mean: cold-start timings have a long right tail.
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const peakRssMB = Math.max(...rssKiB) / 1024;

const checks = [
  { name: 'summarize vgg16 vs bare tfjs import', value: med.summarize / med.bareTfjs, unit: 'x', limit: 3 },
  { name: 'summarize vgg16 peak RSS', value: peakRssMB, unit: 'MB', limit: 400 },
  { name: '--help vs bare node -e 0', value: med.help / med.bareNode, unit: 'x', limit: 5 },
].map((c) => ({ ...c, pass: c.value < c.limit }));
const allPass = checks.every((c) => c.pass);

const result = {
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  runs,
  warmup: 1,
  medianMs: Object.fromEntries(Object.entries(med).map(([k, v]) => [k, +v.toFixed(1)])),
  peakRssMB: +peakRssMB.toFixed(1),
  checks: checks.map((c) => ({ ...c, value: +c.value.toFixed(2) })),
  pass: allPass,
};

if (!jsonOnly) {
  const fmt = (ms) => `${ms.toFixed(1).padStart(8)} ms`;
  console.log(`dnarch startup benchmark — Node ${result.node}, ${result.cpu}, ${result.cores} cores`);
  console.log(`${runs} timed runs per command (interleaved), after 1 untimed warm-up run each\n`);
  console.log(`  node bin/dnarch.js summarize vgg16 --format json ${fmt(med.summarize)}`);
  console.log(`  node -e "await import('@tensorflow/tfjs')"       ${fmt(med.bareTfjs)}`);
  console.log(`  node bin/dnarch.js --help                        ${fmt(med.help)}`);
  console.log(`  node -e 0                                        ${fmt(med.bareNode)}\n`);
  for (const c of checks) {
    const v = c.unit === 'x' ? `${c.value.toFixed(2)}x` : `${c.value.toFixed(1)} MB`;
    const t = c.unit === 'x' ? `within ${c.limit}x` : `under ${c.limit} MB`;
    console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name.padEnd(38)} ${v.padStart(9)}  (target: ${t})`);
  }
  console.log(`\n${allPass ? 'All targets met.' : 'Some targets missed.'}`);
}
console.log(JSON.stringify(result));
process.exitCode = allPass ? 0 : 1;
