/**
 * Property-based: mutated ONNX files never crash, hang, blow up memory or misbehave. Each
 * case writes a mutated copy of a valid ONNX file (real third-party files and models built
 * here with the project's encoder) into a fresh directory and runs the CLI in-process
 * (`main`) on it, with --out into that directory. Every run must end in exit 0 with a
 * valid report, exit 1 (check, summarize --strict: the report, then one line) or exit 2
 * with one line "dnarch: ..." (no control characters), never an
 * internal error or a stack trace, (a hang is caught by the test's own timeout: no wall-clock threshold), leaving nothing behind but --out, with the
 * process under 1.5 GB. Families (one `it` each): byte-level damage, lying lengths, graph
 * structure and hostile names, dims and attributes, nesting, external data.
 *
 * FUZZ_RUNS (default 40) sets the runs per seed of the random families; seeds are fixed.
 * ONNX_FUZZ_SAVE=<dir> copies the input of every failing case there; ONNX_FUZZ_VERBOSE=1 prints every run.
 */
import { execSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import {
  byteMutationArb,
  decode,
  dimsArb,
  encode,
  fanOut,
  fn,
  FLOAT,
  HOSTILE_IDENTIFIERS,
  HOSTILE_NAMES,
  lengthFields,
  lengthLieArb,
  model,
  nestedIf,
  nestedLoop,
  node,
  openCnn,
  opBombs,
  reluChain,
  wideFanOut,
  rewriteLength,
  structureArb,
  tinyCnn,
  twoInputs,
  varint,
  vi,
  withFunctions,
  type Loose,
  type MsgMutation,
} from './onnx-mutate.js';

const REAL = fileURLToPath(new URL('../../../shared/real-models/onnx/', import.meta.url));
const HAVE_REAL = existsSync(REAL);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SAVE = process.env.ONNX_FUZZ_SAVE;
/** ONNX_FUZZ_VERBOSE=1 prints every run: label, command, exit status, time, first line. */
const VERBOSE = process.env.ONNX_FUZZ_VERBOSE === '1';
const MAX_RSS = 1.5 * 2 ** 30;
const HELP_HINT = '(run with --help for usage)';
/** An error line quotes what it must (a 10,000-character name included), not megabytes. */
const MAX_LINE = 64 * 1024;
const HAVE_MKFIFO = (() => {
  try {
    execSync('command -v mkfifo', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/* ------------------------------------------------------------------ seeds */

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Files that must sit beside the model (external data). */
  companions: Record<string, Uint8Array>;
}

const REAL_FILES = [
  'K4_flops_predictor__simple_cnn.onnx',
  'onnx-parser__mnist-sm.onnx',
  'tiny-cnn__model.onnx',
  'Pytorch-TVM-LSTM__lstm.onnx',
  'pytorch-tutorial__super_resolution.onnx',
  'rl-godot/model.onnx',
  'ort_test__rf_iris.onnx',
];

function realSeeds(): Seed[] {
  if (!HAVE_REAL) return [];
  return REAL_FILES.filter((f) => existsSync(join(REAL, f))).map((f): Seed => {
    const data = join(REAL, `${f}.data`);
    // Plain Uint8Arrays: Buffer#slice is a view, and mutations must never write into a seed.
    return { name: f, bytes: new Uint8Array(readFileSync(join(REAL, f))), companions: existsSync(data) ? { 'model.onnx.data': new Uint8Array(readFileSync(data)) } : {} };
  });
}

/** An initializer kept in weights.bin (432 bytes: W of tiny-cnn). */
function externalCnn(location = 'weights.bin', entries: Loose[] | undefined = undefined): Loose {
  const m = tinyCnn();
  const w = m.graph.initializer[0];
  delete w.rawData;
  w.dataLocation = 1;
  w.externalData = entries ?? [
    { key: 'location', value: location },
    { key: 'offset', value: '0' },
    { key: 'length', value: '432' },
  ];
  return m;
}

function builtSeeds(): Seed[] {
  const ifModel = nestedIf(2);
  return [
    { name: 'built:tiny-cnn', bytes: encode(tinyCnn()), companions: {} },
    { name: 'built:two-inputs', bytes: encode(twoInputs()), companions: {} },
    { name: 'built:if-2', bytes: ifModel, companions: {} },
    { name: 'built:function', bytes: withFunctions('block', [fn('block', [node('Relu', ['x'], ['r']), node('Sigmoid', ['r'], ['y'])])], { calls: 2 }), companions: {} },
    { name: 'built:external', bytes: encode(externalCnn()), companions: { 'weights.bin': new Uint8Array(432) } },
  ];
}

const SEEDS: Seed[] = [...builtSeeds(), ...realSeeds()];

/* ------------------------------------------------------------------ running one case */

type Command = 'summarize' | 'strict' | 'savings' | 'check' | 'bench';

type FileSpec = Uint8Array | { symlink: string } | { fifo: true } | { dir: true };

interface CaseSpec {
  label: string;
  /** Names inside the case directory; the model is `model`. */
  files: Record<string, FileSpec>;
  model?: string;
  commands: Command[];
  /** Extra arguments after the model (e.g. --input-shape). */
  args?: string[];
  /** The file is as valid as its seed: summarize and savings must exit 0 (check 0 or 1), with these totals. */
  sameAs?: Totals;
  /** The file points outside its directory: every command must refuse it (exit 2). */
  refuse?: boolean;
  /** A usage error may carry commander's help hint as a second line (the project's convention, test/cli/run.ts). */
  usage?: boolean;
}

interface Totals {
  params: number;
  macs: number | null;
  flops: number | null;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  hung?: boolean;
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Where the watchdog (below) reads the running case: its start (ms since `base`) and its label. */
const watch = { sab: new SharedArrayBuffer(8 + 4096), base: Date.now() };
const watchState = new Int32Array(watch.sab, 0, 2);
const watchLabel = new Uint8Array(watch.sab, 8);

/**
 * A synchronous endless loop in src would stop this file for good (no timer fires): a
 * worker thread watches the running case and, past 90 s, names it on stderr and ends the
 * process, so that vitest reports the failure instead of hanging.
 */
function startWatchdog(): Worker {
  const code = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const state = new Int32Array(workerData.sab, 0, 2);
    const label = new Uint8Array(workerData.sab, 8);
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      Atomics.wait(sleeper, 0, 0, 1000);
      const start = Atomics.load(state, 0);
      if (start > 0 && Date.now() - workerData.base - start > 90000) {
        const n = Atomics.load(state, 1);
        fs.writeSync(2, 'onnx fuzz: a case hung for 90 s, the process is ended: ' + Buffer.from(label.slice(0, n)).toString('utf8') + '\\n');
        process.kill(process.pid, 'SIGKILL');
      }
    }`;
  const w = new Worker(code, { eval: true, workerData: { sab: watch.sab, base: watch.base } });
  w.unref();
  return w;
}

function watchCase(label: string | undefined): void {
  if (label === undefined) {
    Atomics.store(watchState, 0, 0);
    return;
  }
  const bytes = new TextEncoder().encode(label).subarray(0, watchLabel.length);
  watchLabel.set(bytes);
  Atomics.store(watchState, 1, bytes.length);
  Atomics.store(watchState, 0, Math.max(1, Date.now() - watch.base));
}

/** Runs the CLI in-process with stdout/stderr captured; an async hang is cut at 20 s. */
async function run(args: string[], label: string): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  const t0 = performance.now();
  watchCase(label);
  let timer: NodeJS.Timeout | undefined;
  try {
    const hang = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 20_000)));
    const running = main(['node', 'dnarch', ...args]);
    const code = await Promise.race([running, hang]);
    const ms = performance.now() - t0;
    if (code === 'hung') {
      // Let the run end (still captured) before the next case starts: its output must not land there.
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 40_000))]);
      return { code: -1, stdout: out.join(''), stderr: err.join(''), ms, hung: true };
    }
    return { code, stdout: out.join(''), stderr: err.join(''), ms };
  } finally {
    clearTimeout(timer);
    watchCase(undefined);
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

const COMMAND_ARGS: Record<Command, string[]> = {
  summarize: ['--format', 'json'],
  strict: ['--format', 'json', '--strict'],
  savings: ['--format', 'json'],
  check: ['--max-macs', '1G', '--format', 'json'],
  bench: ['--engine', 'onnxruntime', '--runs', '1', '--warmup', '1', '--format', 'json'],
};

/** Per family: cases, runs and exit statuses, printed at the end of the family. */
class Tally {
  cases = 0;
  runs = 0;
  readonly exits = new Map<string, number>();
  readonly failures: string[] = [];
  maxMs = 0;
  maxRss = 0;
  slowest = '';
  readonly t0 = performance.now();
  constructor(readonly family: string) {}

  add(cmd: Command, code: number, ms: number, label = ''): void {
    this.runs++;
    if (ms > this.maxMs) this.slowest = `${label} (${cmd})`;
    const key = `${cmd === 'summarize' ? '' : `${cmd} `}exit ${code}`;
    this.exits.set(key, (this.exits.get(key) ?? 0) + 1);
    this.maxMs = Math.max(this.maxMs, ms);
    this.maxRss = Math.max(this.maxRss, process.memoryUsage.rss());
  }

  line(): string {
    // summarize's statuses first ("exit 0: ..."), then the other commands' ("bench exit 2: ...").
    const rank = (k: string) => `${k.startsWith('exit') ? 0 : 1}${k}`;
    const exits = [...this.exits.entries()].sort((a, b) => rank(a[0]).localeCompare(rank(b[0]))).map(([k, n]) => `${k}: ${n}`);
    return (
      `onnx fuzz: ${this.family}: ${this.cases} cases (${this.runs} runs), ${exits.join(', ')}; ` +
      `slowest run ${Math.round(this.maxMs)} ms (${this.slowest.slice(0, 80)}), max rss ${Math.round(this.maxRss / 2 ** 20)} MiB, ${((performance.now() - this.t0) / 1000).toFixed(1)} s`
    );
  }
}

/** Files in a directory, links and FIFOs included (readdirSync lists them all). */
const listing = (dir: string): string[] => readdirSync(dir).sort();

let familyRoot = '';
/** Files a family keeps in its root, beside the case directories (a target outside every case). */
let rootExtras: string[] = [];
let caseNo = 0;

function materialise(dir: string, files: Record<string, FileSpec>): void {
  for (const [name, spec] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    if (spec instanceof Uint8Array) writeFileSync(path, spec);
    else if ('symlink' in spec) symlinkSync(spec.symlink, path);
    else if ('dir' in spec) mkdirSync(path, { recursive: true });
    else execSync(`mkfifo ${JSON.stringify(path)}`);
  }
}

/** A FIFO a reader may still be blocked on (bench handing it to onnxruntime): a writer that closes at once releases it. */
function releaseFifos(dir: string, files: Record<string, FileSpec>): void {
  for (const [name, spec] of Object.entries(files)) {
    if (spec instanceof Uint8Array || !('fifo' in spec)) continue;
    try {
      closeSync(openSync(join(dir, name), constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader: nothing blocked
    }
  }
}

function saveFailure(tally: Tally, spec: CaseSpec, dir: string): void {
  if (!SAVE) return;
  mkdirSync(SAVE, { recursive: true });
  const base = `${tally.family.replace(/\W+/g, '-')}-${caseNo}`;
  const model = spec.files[spec.model ?? 'model.onnx'];
  if (model instanceof Uint8Array) writeFileSync(join(SAVE, `${base}.onnx`), model);
  writeFileSync(join(SAVE, `${base}.txt`), `${spec.label}\n${dir}\n`);
}

const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

/** The outcome of one run: a report (exit 0), a failed check or --strict (exit 1) or one line (exit 2). */
function check(spec: CaseSpec, cmd: Command, r: Run, out: string, context: string): void {
  expect(r.hung ?? false, context).toBe(false);
  expect([0, 1, 2], context).toContain(r.code);
  expect(r.stdout, context).toBe('');
  expect(`${r.stdout}${r.stderr}`, context).not.toMatch(/^\s+at /m);
  if (r.code === 0) {
    expect(r.stderr, context).toBe('');
    const report = JSON.parse(readFileSync(out, 'utf8')) as Loose;
    expect(report.schemaVersion, context).toBe(1);
    if (cmd === 'summarize' || cmd === 'strict') expect(Number.isFinite(report.totals.params.total), context).toBe(true);
  } else {
    if (r.code === 1) {
      // A failed budget (check) or an incomplete report (summarize --strict): the report is written, then one line.
      expect(['check', 'strict'], context).toContain(cmd);
      expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion, context).toBe(1);
    } else {
      expect(existsSync(out), context).toBe(false);
    }
    let lines = r.stderr.replace(/\n$/, '').split('\n');
    if (spec.usage && lines.length === 2 && lines[1] === HELP_HINT) lines = lines.slice(0, 1);
    expect(lines, context).toHaveLength(1);
    expect(lines[0], context).toMatch(/^dnarch: /);
    expect(lines[0], context).not.toMatch(/internal error/);
    // One line on a terminal too: no carriage return, escape sequence or other control character.
    expect(lines[0], context).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  }
  if (r.code !== 0) expect(r.stderr.length, `${context}: an error line of reasonable length`).toBeLessThan(MAX_LINE);
  if (spec.refuse) expect(r.code, `${context}: a location outside the model's directory is refused`).toBe(2);
  if (spec.sameAs && cmd !== 'bench') {
    // As valid as its seed: analysed as the seed is (check may find the seed over budget, as it would the seed).
    expect(cmd === 'check' || cmd === 'strict' ? [0, 1] : [0], `${context}: the file is as valid as its seed`).toContain(r.code);
    if (cmd === 'summarize') {
      const t = JSON.parse(readFileSync(out, 'utf8')).totals;
      expect({ params: t.params.total, macs: t.macs, flops: t.flops }, `${context}: totals as the seed's`).toEqual(spec.sameAs);
    }
  }
}

/** Runs every command of a case and checks each outcome; returns the summarize report, if any. */
async function runCase(tally: Tally, spec: CaseSpec): Promise<Loose | undefined> {
  tally.cases++;
  caseNo++;
  const dir = join(familyRoot, `c${caseNo}`);
  mkdirSync(dir);
  materialise(dir, spec.files);
  const created = listing(dir);
  const modelPath = join(dir, spec.model ?? 'model.onnx');
  const written: string[] = [];
  let summary: Loose | undefined;
  try {
    for (const cmd of spec.commands) {
      const outName = `${cmd}.json`;
      const out = join(dir, outName);
      const args = [cmd === 'strict' ? 'summarize' : cmd, modelPath, ...COMMAND_ARGS[cmd], ...(spec.args ?? []), '--out', out];
      const rssBefore = process.memoryUsage.rss();
      const r = await run(args, `${tally.family}: ${spec.label}: ${cmd}`);
      tally.add(cmd, r.code, r.ms, spec.label);
      if (VERBOSE) console.log(`onnx fuzz run: ${tally.family}: ${spec.label.slice(0, 100)}: ${cmd}: exit ${r.code}, ${Math.round(r.ms)} ms: ${JSON.stringify(r.stderr.slice(0, 200))}`);
      const context = `${tally.family}: ${spec.label}: dnarch ${cmd}: exit ${r.code}${r.hung ? ' (HUNG: no answer in 20 s)' : ''} after ${Math.round(r.ms)} ms, stderr ${JSON.stringify(r.stderr.slice(0, 1500))}`;
      try {
        check(spec, cmd, r, out, context);
        if (r.code === 0 && cmd === 'summarize') summary = JSON.parse(readFileSync(out, 'utf8'));
        if (r.code === 0 || r.code === 1) written.push(outName);
        expect(listing(dir), `${context}: nothing beside the input but --out`).toEqual([...created, ...written].sort());
        expect(listing(familyRoot), `${context}: nothing written outside the case directory`).toEqual([...rootExtras, `c${caseNo}`].sort());
        expect(Object.getOwnPropertyNames(Object.prototype).sort().join(','), context).toBe(protoKeys);
        expect(({} as Record<string, unknown>).polluted, context).toBeUndefined();
        // (Once over, the rss stays over: only the case that took it there is named.)
        if (rssBefore < MAX_RSS) expect(process.memoryUsage.rss(), `${context}: rss`).toBeLessThan(MAX_RSS);
      } catch (e) {
        // Recorded, and the family goes on: every failing case is listed at its end.
        const message = String((e as Error)?.message ?? e).split('\n')[0];
        tally.failures.push(message.length > 1200 ? `${message.slice(0, 1200)}...` : message);
        saveFailure(tally, spec, dir);
        summary = undefined;
        break;
      }
    }
  } finally {
    releaseFifos(dir, spec.files);
    rmSync(dir, { recursive: true, force: true });
  }
  return summary;
}

/** A report's totals, for cases that must not change them. */
const totalsOf = (report: Loose): Totals => ({ params: report.totals.params.total, macs: report.totals.macs, flops: report.totals.flops });

/** Bench only where onnxruntime can run the file at no cost: small inputs, few FLOPs, little weight. */
function benchable(report: Loose | undefined): boolean {
  if (!report) return false;
  const shapes: unknown = report.model?.inputShapes;
  if (!Array.isArray(shapes) || shapes.length === 0) return false;
  const small = shapes.every((s) => Array.isArray(s) && s.every((d) => Number.isInteger(d) && d > 0) && s.reduce((a: number, b: number) => a * b, 1) <= 1 << 20);
  const weights = Object.values((report.totals.weightBytes ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
  return small && typeof report.totals.flops === 'number' && report.totals.flops <= 1e9 && weights <= 64 * 2 ** 20;
}

/** What else to run on a file that survived analysis. */
type Also = 'none' | 'strict' | 'savings' | 'check' | 'bench';
const alsoArb = fc.constantFrom<Also>('none', 'none', 'none', 'none', 'strict', 'savings', 'check', 'bench');

/** summarize, then (if it survived) the extra command. */
async function runWithAlso(tally: Tally, spec: Omit<CaseSpec, 'commands'>, also: Also): Promise<void> {
  const report = await runCase(tally, { ...spec, commands: ['summarize'] });
  if (also === 'none' || report === undefined) return;
  if (also === 'bench' && !benchable(report)) return;
  tally.cases--;
  await runCase(tally, { ...spec, label: `${spec.label} (+${also})`, commands: [also] });
}

/* ------------------------------------------------------------------ the families */

const baselines = new Map<string, Totals | undefined>();
const decoded = new Map<string, Loose>();

const seedFiles = (s: Seed, bytes: Uint8Array): Record<string, FileSpec> => ({ 'model.onnx': bytes, ...s.companions });

function family(name: string): Tally {
  familyRoot = mkdtempSync(join(tmpdir(), 'dnarch-onnx-fuzz-'));
  temps.push(familyRoot);
  rootExtras = [];
  return new Tally(name);
}

const pristine = new Map(SEEDS.map((s) => [s.name, new Uint8Array(s.bytes)]));

function finish(t: Tally): void {
  for (const s of SEEDS) expect(Buffer.compare(s.bytes, pristine.get(s.name) as Uint8Array), `seed ${s.name} unchanged by ${t.family}`).toBe(0);
  // vitest prints this with the results; the closing note quotes it.
  console.log(`${t.line()}; failing cases: ${t.failures.length}${t.failures.map((f) => `\n  FAIL ${f}`).join('')}`);
  expect(t.failures, `${t.family}: ${t.failures.length} failing case(s)`).toEqual([]);
  expect(process.memoryUsage.rss(), `${t.family}: rss after the family`).toBeLessThan(MAX_RSS);
}

const seedArb = fc.integer({ min: 0, max: SEEDS.length - 1 });

describe('mutated ONNX files', () => {
  beforeAll(async () => {
    startWatchdog();
    // Every seed is valid: it analyses (exit 0), and so does its decode-encode round trip, to the same totals.
    const t = family('seeds');
    for (const s of SEEDS) {
      const report = await runCase(t, { label: `seed ${s.name}`, files: seedFiles(s, s.bytes), commands: ['summarize'] });
      expect(report, `seed ${s.name} analyses`).toBeDefined();
      const totals = totalsOf(report);
      baselines.set(s.name, totals);
      const m = decode(s.bytes);
      decoded.set(s.name, m);
      await runCase(t, { label: `seed ${s.name}, decoded and encoded again`, files: seedFiles(s, encode(m)), commands: ['summarize'], sameAs: totals });
    }
    finish(t);
  });

  it('byte level: truncated, flipped, inserted, deleted, zeroed, repeated', async () => {
    const t = family('byte level');
    await fc.assert(
      fc.asyncProperty(seedArb, byteMutationArb(), alsoArb, async (si, m, also) => {
        const s = SEEDS[si];
        await runWithAlso(t, { label: `${s.name}: ${m.kind}`, files: seedFiles(s, m.apply(s.bytes)) }, also);
      }),
      { numRuns: RUNS * SEEDS.length, seed: 20261201, endOnFailure: true },
    );
    finish(t);
  });

  it('lying lengths: length varints too large, too small, past 2^31, 10 and 11 bytes long', async () => {
    const t = family('lying lengths');
    // Every lie on the ModelProto.graph field and on the first node, initializer and tensor of each seed.
    for (const s of SEEDS) {
      const fields = lengthFields(s.bytes);
      const targets = [
        fields.find((f) => f.kind === 'Model' && f.field === 7),
        fields.find((f) => f.kind === 'Graph' && f.field === 1),
        fields.find((f) => f.kind === 'Graph' && f.field === 5),
        fields.find((f) => f.kind === 'Tensor' && f.field === 9),
        fields.find((f) => f.kind === 'Node' && f.field === 5),
      ].filter((f) => f !== undefined);
      for (const f of targets) {
        for (const [name, enc] of [
          ['2^31', varint(2n ** 31n)],
          ['2^32 + true length', varint(2n ** 32n + BigInt(f.length))],
          ['2^64 - 1', varint(2n ** 64n - 1n)],
          ['+1', varint(BigInt(f.length + 1))],
          ['-1', varint(BigInt(Math.max(0, f.length - 1)))],
          ['true length in 10 bytes', varint(BigInt(f.length), 10)],
          ['true length in 11 bytes', varint(BigInt(f.length), 11)],
        ] as const) {
          for (const fix of [true, false]) {
            const label = `${s.name}: ${f.kind} field ${f.field} (length ${f.length}) says ${name}${fix ? '' : ', enclosing lengths left'}`;
            await runCase(t, { label, files: seedFiles(s, rewriteLength(s.bytes, f, enc, fix)), commands: ['summarize'] });
          }
        }
      }
    }
    await fc.assert(
      fc.asyncProperty(seedArb, lengthLieArb(), alsoArb, async (si, lie, also) => {
        const s = SEEDS[si];
        await runWithAlso(t, { label: `${s.name}: ${lie.describe(s.bytes)}`, files: seedFiles(s, lie.apply(s.bytes)) }, also);
      }),
      { numRuns: RUNS * SEEDS.length, seed: 20261202, endOnFailure: true },
    );
    finish(t);
  });

  const messageFamily = async (t: Tally, arb: fc.Arbitrary<MsgMutation>, seed: number) => {
    await fc.assert(
      fc.asyncProperty(seedArb, arb, alsoArb, async (si, m, also) => {
        const s = SEEDS[si];
        const bytes = encode(m.apply(decoded.get(s.name)));
        const sameAs = m.harmless ? baselines.get(s.name) : undefined;
        await runWithAlso(t, { label: `${s.name}: ${m.kind}`, files: seedFiles(s, bytes), ...(sameAs ? { sameAs } : {}) }, also);
      }),
      { numRuns: RUNS * SEEDS.length, seed, endOnFailure: true },
    );
  };

  it('structure: cycles, dangling and doubled values, shuffled nodes, unknown and hostile ops and names', async () => {
    const t = family('structure');
    // Hostile identifiers everywhere at once, on the CNN: op type, node, value, attribute, domain and initializer names.
    for (const id of HOSTILE_IDENTIFIERS) {
      const m = tinyCnn();
      const g = m.graph;
      g.name = id;
      g.node.forEach((n: Loose, i: number) => (n.name = i === 0 ? id : `${id}${i}`));
      g.node[1].opType = id;
      g.node[1].domain = id;
      m.opsetImport.push({ domain: id, version: 1 });
      g.node[0].attribute.push({ name: id, type: 2, i: 1 });
      await runCase(t, { label: `hostile identifier ${id} as graph, node, op, domain and attribute name`, files: { 'model.onnx': encode(m) }, commands: ['summarize', 'strict', 'savings', 'check'] });
      const renamed = tinyCnn();
      for (const [from, to] of [['W', id], ['x', `${id}_in`], ['c', `${id}_c`], ['y', `${id}_out`]]) {
        for (const n of renamed.graph.node) {
          n.input = n.input.map((v: string) => (v === from ? to : v));
          n.output = n.output.map((v: string) => (v === from ? to : v));
        }
        for (const list of [renamed.graph.initializer, renamed.graph.input, renamed.graph.output]) for (const x of list) if (x.name === from) x.name = to;
      }
      const base = baselines.get('built:tiny-cnn');
      await runCase(t, {
        label: `hostile identifier ${id} as initializer, input, value and output names`,
        files: { 'model.onnx': encode(renamed) },
        commands: ['summarize', 'savings', 'check', 'bench'],
        ...(base ? { sameAs: base } : {}),
      });
    }
    // Unknown ops with hostile names: their names reach the --strict and check verdicts.
    for (const name of HOSTILE_NAMES) {
      const m = tinyCnn();
      m.graph.node[1].opType = name;
      m.graph.node[2].name = name;
      for (const cmd of ['strict', 'check'] as const) {
        await runCase(t, { label: `an op named ${JSON.stringify(name.slice(0, 40))} (no cost handler), ${cmd}`, files: { 'model.onnx': encode(m) }, commands: ['summarize', cmd] });
      }
    }
    await messageFamily(t, structureArb(), 20261203);
    // Large graphs from small files: a long chain, and one value read by 40,000 nodes.
    const cnn = decoded.get('built:tiny-cnn');
    await runCase(t, { label: 'a chain of 20,000 Relu nodes', files: { 'model.onnx': encode(reluChain(cnn, 20_000)) }, commands: ['summarize', 'savings'] });
    await runCase(t, { label: 'one value read by 40,000 nodes', files: { 'model.onnx': encode(wideFanOut(cnn, 40_000)) }, commands: ['summarize'] });
    finish(t);
  });

  it('dims and attributes: huge, negative, overflowing dims, data that does not fit, absurd Conv and Reshape', async () => {
    const t = family('dims and attributes');
    await messageFamily(t, dimsArb(), 20261204);
    // Small files that describe enormous tensors: sized, never built.
    for (const [label, bytes] of opBombs()) await runCase(t, { label, files: { 'model.onnx': bytes }, commands: ['summarize', 'strict'] });
    // --input-shape with huge dims on a model whose every input dimension is open: analysis only, nothing allocated.
    const open = encode(openCnn());
    for (const [shape, usage] of [
      ['x=1x3x2147483648x2147483648', false],
      ['x=2147483648x2147483648x2147483648x2147483648', false],
      ['1x3x1000000000x1000000000', false],
      ['x=1x2147483648x8x8', false],
      ['x=1x3x8', false],
      ['x=1x3x8x8x8', false],
      ['nosuchinput=1x3x8x8', false],
      ['x=1x3x99999999999x1', true],
      ['x=0x3x8x8', true],
      ['x=-1x3x8x8', true],
      ['x=1e9x3x8x8', true],
      [`${'x'.repeat(10_000)}=1x3x8x8`, false],
      ['__proto__=1x3x8x8', false],
      ['x=1x3x8x8', false],
    ] as const) {
      await runCase(t, { label: `--input-shape ${shape.slice(0, 60)}`, files: { 'model.onnx': open }, commands: ['summarize', 'check'], args: ['--input-shape', shape], usage });
    }
    const twoFixed = encode(twoInputs());
    for (const shape of ['a=2147483648x4', 'b=1x2147483648', '__proto__=1x4', 'constructor=1x4']) {
      await runCase(t, { label: `two inputs, --input-shape ${shape}`, files: { 'model.onnx': twoFixed }, commands: ['summarize'], args: ['--input-shape', shape] });
    }
    finish(t);
  });

  it('external data: escaping, absolute, URL and odd locations, links out, directories, FIFOs, offsets that are not numbers', async () => {
    const t = family('external data');
    const weights = new Uint8Array(432);
    const godot = SEEDS.find((s) => s.name === 'rl-godot/model.onnx');
    const outside = join(familyRoot, 'outside.bin');
    // Locations, with the files the case directory holds besides the model.
    const locations: [string, Record<string, FileSpec>][] = [
      ['weights.bin', { 'weights.bin': weights }],
      ['missing.bin', {}],
      ['../../etc/passwd', {}],
      ['../outside.bin', {}],
      ['/etc/passwd', {}],
      [outside, {}],
      ['http://x/y', {}],
      ['file:///etc/passwd', {}],
      ['C:\\x', {}],
      ['C:x', {}],
      ['\\\\server\\share\\x', {}],
      ['sub/../weights.bin', { 'weights.bin': weights, sub: { dir: true } }],
      ['sub/../../outside.bin', { sub: { dir: true } }],
      ['..', {}],
      ['.', {}],
      ['./weights.bin', { 'weights.bin': weights }],
      ['sub/weights.bin', { 'sub/weights.bin': weights }],
      ['sub\\..\\..\\outside.bin', {}],
      ['link.bin', { 'link.bin': { symlink: '/etc/passwd' } }],
      ['link-out.bin', { 'link-out.bin': { symlink: outside } }],
      ['link-rel.bin', { 'link-rel.bin': { symlink: '../outside.bin' } }],
      ['linkdir/passwd', { linkdir: { symlink: '/etc' } }],
      ['link-in.bin', { 'weights.bin': weights, 'link-in.bin': { symlink: 'weights.bin' } }],
      ['loop.bin', { 'loop.bin': { symlink: 'loop.bin' } }],
      ['dangling.bin', { 'dangling.bin': { symlink: 'nothing-here.bin' } }],
      ['adir', { adir: { dir: true } }],
      ...(HAVE_MKFIFO ? [['fifo.bin', { 'fifo.bin': { fifo: true } }] as [string, Record<string, FileSpec>]] : []),
      ['model.onnx', {}],
      ['weights.bin\u0000.txt', { 'weights.bin': weights }],
      ['we\nights.bin', {}],
      ['w\u001b[2J.bin', {}],
      ['x'.repeat(10_000), {}],
      [`${'d/'.repeat(2000)}w.bin`, {}],
      ...HOSTILE_IDENTIFIERS.map((id): [string, Record<string, FileSpec>] => [id, {}]),
      ['', {}],
      [' ', {}],
    ];
    writeFileSync(outside, weights);
    rootExtras = ['outside.bin'];
    const escapes = new Set(['../../etc/passwd', '../outside.bin', '/etc/passwd', outside, 'http://x/y', 'file:///etc/passwd', 'C:\\x', '\\\\server\\share\\x', 'sub/../../outside.bin', '..', 'sub\\..\\..\\outside.bin', 'link.bin', 'link-out.bin', 'link-rel.bin', 'linkdir/passwd']);
    for (const [location, files] of locations) {
      const label = `location ${JSON.stringify(location.length > 60 ? `${location.slice(0, 30)}...(${location.length})` : location)}`;
      const refuse = escapes.has(location);
      await runCase(t, { label: `built: ${label}`, files: { 'model.onnx': encode(externalCnn(location)), ...files }, commands: ['summarize', 'bench'], refuse });
      if (godot) {
        const m = decode(godot.bytes);
        for (const init of m.graph.initializer) for (const e of init.externalData ?? []) if (e.key === 'location') e.value = location;
        await runCase(t, { label: `rl-godot: ${label}`, files: { 'model.onnx': encode(m), ...godot.companions, ...files }, commands: ['summarize', 'bench'], refuse });
      }
    }
    // The FIFO proves that analysis never opens the external file: reading it would block.
    if (HAVE_MKFIFO) await runCase(t, { label: 'analysis with a FIFO as the external file', files: { 'model.onnx': encode(externalCnn('fifo.bin')), 'fifo.bin': { fifo: true } }, commands: ['summarize', 'strict', 'savings', 'check'] });
    // Offsets and lengths that are not numbers, and entries that are not what they should be.
    const bad = ['abc', '-1', '1e3', '', ' 12', '0x10', '99999999999999999999', '4.5', '\n1', '12\n', '1000000', '0', 'NaN', 'Infinity', '__proto__'];
    for (const value of bad) {
      for (const key of ['offset', 'length']) {
        const entries = [
          { key: 'location', value: 'weights.bin' },
          { key: 'offset', value: '0' },
          { key: 'length', value: '432' },
        ].map((e) => (e.key === key ? { key, value } : e));
        await runCase(t, { label: `${key} ${JSON.stringify(value)}`, files: { 'model.onnx': encode(externalCnn('weights.bin', entries)), 'weights.bin': weights }, commands: ['summarize', 'bench'] });
      }
    }
    const entrySets: [string, Loose[] | undefined, Loose][] = [
      ['no entries', [], {}],
      ['no location entry', [{ key: 'offset', value: '0' }], {}],
      ['two location entries, the second escaping', [{ key: 'location', value: 'weights.bin' }, { key: 'location', value: '../../etc/passwd' }], {}],
      ['two location entries, the first escaping', [{ key: 'location', value: '../../etc/passwd' }, { key: 'location', value: 'weights.bin' }], {}],
      ['entries with hostile keys', HOSTILE_IDENTIFIERS.map((k) => ({ key: k, value: k })).concat([{ key: 'location', value: 'weights.bin' }]), {}],
      ['an entry without a key', [{ value: 'weights.bin' }], {}],
      ['a checksum entry', [{ key: 'location', value: 'weights.bin' }, { key: 'checksum', value: 'x'.repeat(1000) }], {}],
      ['data_location 2', undefined, { dataLocation: 2 }],
      ['data_location -1', undefined, { dataLocation: -1 }],
      ['data_location 0 with external entries and no data', undefined, { dataLocation: 0 }],
      ['external and raw_data both', undefined, { rawData: new Uint8Array(432) }],
    ];
    for (const [label, entries, patch] of entrySets) {
      const m = externalCnn('weights.bin', entries);
      Object.assign(m.graph.initializer[0], patch);
      await runCase(t, { label, files: { 'model.onnx': encode(m), 'weights.bin': weights }, commands: ['summarize', 'bench'] });
    }
    // Every initializer external, each with its own hostile name and location.
    const every = tinyCnn();
    every.graph.initializer.forEach((init: Loose, i: number) => {
      delete init.rawData;
      delete init.int64Data;
      init.dataLocation = 1;
      init.externalData = [{ key: 'location', value: HOSTILE_NAMES[i % HOSTILE_NAMES.length] }];
    });
    await runCase(t, { label: 'every initializer external, with hostile locations', files: { 'model.onnx': encode(every) }, commands: ['summarize', 'bench'] });
    finish(t);
  });

  it('nesting: If and Loop subgraphs 30, 150, 2,000 and 100,000 deep; recursive and fanning-out functions', async () => {
    const t = family('nesting');
    for (const depth of [1, 30, 150, 2000, 100_000]) {
      await runCase(t, { label: `If nested ${depth} deep`, files: { 'model.onnx': nestedIf(depth) }, commands: depth <= 30 ? ['summarize', 'savings', 'check', 'bench'] : ['summarize', 'check'] });
      if (depth <= 2000) {
        await runCase(t, { label: `Loop nested ${depth} deep`, files: { 'model.onnx': nestedLoop(depth) }, commands: depth <= 30 ? ['summarize', 'check', 'bench'] : ['summarize'] });
      }
    }
    const relu = node('Relu', ['x'], ['y']);
    const call = (name: string, i = 'x', o = 'y') => node(name, [i], [o], [], { domain: 'local' });
    const cases: [string, Uint8Array][] = [
      ['a function that calls itself', withFunctions('f', [fn('f', [call('f')])])],
      ['a function that calls itself after a Relu', withFunctions('f', [fn('f', [node('Relu', ['x'], ['r']), call('f', 'r')])])],
      ['two functions that call each other', withFunctions('f', [fn('f', [call('g')]), fn('g', [call('f')])])],
      ['a function that calls itself twice (fan-out without end)', withFunctions('f', [fn('f', [call('f', 'x', 'a'), call('f', 'a')])])],
      ['functions that fan out 25 levels deep (2^25 nodes)', fanOut(25)],
      ['functions that fan out 19 levels deep (2^19 nodes)', fanOut(19)],
      ['functions that fan out 64 levels deep', fanOut(64)],
      ['a function of 2,000 nodes called 1,000 times (2M nodes)', withFunctions('wide', [fn('wide', Array.from({ length: 2000 }, (_, i) => node('Relu', [i === 0 ? 'x' : `r${i - 1}`], [i === 1999 ? 'y' : `r${i}`])))], { calls: 1000 })],
      ['a function that calls a function nobody defines', withFunctions('f', [fn('f', [call('nobody')])])],
      ['a function with no body', withFunctions('f', [fn('f', [])])],
      ['a function whose output nobody writes', withFunctions('f', [fn('f', [node('Relu', ['x'], ['z'])])])],
      ['a function that takes more inputs than the call gives', withFunctions('f', [fn('f', [node('Add', ['x', 'x2'], ['y'])], { input: ['x', 'x2'] })])],
      ['a function with an attribute reference nobody gives', withFunctions('f', [fn('f', [node('Softmax', ['x'], ['y'], [{ name: 'axis', type: 2, refAttrName: 'ax' }])], { attribute: ['ax'] })])],
      ['a function named Relu in the default domain', encode(model({ name: 'shadow', node: [node('Relu', ['x'], ['y'])], input: [vi('x', FLOAT, [1, 4])], output: [vi('y', FLOAT, [1, 4])] }, { functions: [{ ...fn('Relu', [relu]), domain: '' }] }))],
      ...HOSTILE_IDENTIFIERS.map((id): [string, Uint8Array] => [`a function named ${id}`, withFunctions(id, [fn(id, [relu])])]),
      ...HOSTILE_IDENTIFIERS.map((id): [string, Uint8Array] => [`a function named ${id} that calls itself`, withFunctions(id, [fn(id, [call(id)])])]),
      ['two functions of the same name', withFunctions('f', [fn('f', [relu]), fn('f', [call('f')])])],
    ];
    for (const [label, bytes] of cases) await runCase(t, { label, files: { 'model.onnx': bytes }, commands: ['summarize'] });
    finish(t);
  });
});

describe.skipIf(!HAVE_REAL)('the real seeds', () => {
  it('are all present', () => {
    expect(SEEDS.filter((s) => !s.name.startsWith('built:')).map((s) => s.name)).toEqual(REAL_FILES);
  });
});
