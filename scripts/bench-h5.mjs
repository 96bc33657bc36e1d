// Keras .h5 analysis costs no more than analysing its to_json() topology: for every full-model
// .h5 among the real files (../shared/real-models/h5/) and the fixtures, `dnarch summarize F
// --format json` is timed on the .h5 and on its model_config written out as a JSON file (what
// model.to_json() gives), each a fresh process, interleaved, medians. Also prints the bytes the
// HDF5 reader read to get the root attributes (the weights are never read for analysis).
// Usage: node scripts/bench-h5.mjs [--runs N] [--max-ratio R]   (after npm run build)
// Exit 0 when every file's median ratio (h5 / json) is at most R (default 1.2), 1 otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const runs = opt('--runs', 7);
const maxRatio = opt('--max-ratio', 1.2);
if (!Number.isInteger(runs) || runs < 1 || !(maxRatio > 0)) {
  console.error('bench-h5: --runs expects a positive integer, --max-ratio a positive number');
  process.exit(1);
}
if (!existsSync(path.join(root, 'dist/load/keras/hdf5/index.js'))) {
  console.error('bench-h5: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const { openHdf5 } = await import(path.join(root, 'dist/load/keras/hdf5/index.js'));

const dirs = [path.join(root, '../shared/real-models/h5'), path.join(root, 'fixtures/h5')];
const files = dirs.filter(existsSync).flatMap((d) => readdirSync(d).filter((f) => /\.(h5|hdf5)$/.test(f)).map((f) => path.join(d, f)));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dnarch-bench-h5-'));
const cases = [];
for (const file of files) {
  const h5 = await openHdf5(file);
  try {
    const attrs = await h5.root.attrs();
    const config = attrs.get('model_config');
    if (typeof config !== 'string') continue; // weights-only saves: nothing to summarise
    const json = path.join(tmp, `${path.basename(file)}.json`);
    writeFileSync(json, config);
    cases.push({ file, json, bytesRead: h5.bytesRead, size: statSync(file).size });
  } finally {
    await h5.close();
  }
}

function time(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['bin/dnarch.js', 'summarize', file, '--format', 'json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    console.error(`bench-h5: FAILED summarize ${file} (exit ${r.status}): ${String(r.stderr).trim().split('\n')[0]}`);
    rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  }
  return { ms, totals: JSON.parse(r.stdout).totals };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let failed = 0;
console.log(`summarize --format json, fresh processes, median of ${runs} interleaved runs each`);
console.log(['file', 'size', 'read for analysis', 'h5 ms', 'json ms', 'ratio', 'verdict'].join('\t'));
for (const c of cases) {
  const h5 = [];
  const json = [];
  // Warm-up (file cache, and a check that both agree on the totals).
  const a = time(c.file);
  const b = time(c.json);
  if (JSON.stringify(a.totals) !== JSON.stringify(b.totals)) {
    console.error(`bench-h5: ${path.basename(c.file)}: the .h5 and its to_json() disagree on the totals`);
    failed++;
  }
  for (let i = 0; i < runs; i++) {
    h5.push(time(c.file).ms);
    json.push(time(c.json).ms);
  }
  const ratio = median(h5) / median(json);
  const ok = ratio <= maxRatio;
  if (!ok) failed++;
  console.log([path.basename(c.file), `${c.size} B`, `${c.bytesRead} B (${((100 * c.bytesRead) / c.size).toFixed(1)}%)`, median(h5).toFixed(0), median(json).toFixed(0), `${ratio.toFixed(2)}x`, ok ? 'PASS' : 'FAIL'].join('\t'));
}
rmSync(tmp, { recursive: true, force: true });
console.log(failed === 0 ? `PASS: every .h5 within ${maxRatio}x of its to_json() (${cases.length} files)` : `FAIL: ${failed} of ${cases.length} files`);
process.exit(failed === 0 ? 0 : 1);
